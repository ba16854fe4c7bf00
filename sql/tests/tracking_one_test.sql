-- A tracked statement's fixed costs (issue 23, track_generate of branch trackone): a single-row UPDATE and
-- an INSERT of up to 64 rows are found without a count, the bridges' wake-up is the statement NOTIFY
-- chatter_bridge, the create_nolog check is made for INSERTs only; and the cases around the single-row
-- path: no row matched, no change (no message, no wake-up), a key change (the rekey message), two rows
-- whose first is re-keyed (the row loop, then the rekey query). Written as chatter_app under the
-- application's row-level security. A wake-up is seen as the throttle's advisory lock on chatter_bridge,
-- held by this transaction once a tracked statement has sent its NOTIFY.
BEGIN;
SELECT plan(15);

INSERT INTO chatter.contacts (id, name) VALUES (9811, 'One Olga');
INSERT INTO chatter.users (id, contact_id, username) VALUES (691, 9811, 'olga');
CREATE TABLE public.one_lots (id integer PRIMARY KEY, name varchar(40), qty integer);
INSERT INTO public.one_lots SELECT g, 'lot ' || g, 1 FROM generate_series(1, 100) AS g;
SELECT chatter.enable('public.one_lots');
GRANT SELECT, INSERT, UPDATE ON public.one_lots TO chatter_app;
ALTER TABLE public.one_lots ENABLE ROW LEVEL SECURITY;
CREATE POLICY one_lots_app ON public.one_lots TO chatter_app USING (id <> 100) WITH CHECK (id <> 100);
CREATE TEMP VIEW bridges_woken AS
SELECT EXISTS (SELECT FROM pg_catalog.pg_locks AS l
                WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.objsubid = 1
                  AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtext('chatter_bridge')::bigint) AS woken;
GRANT SELECT ON bridges_woken TO chatter_app;

SELECT is((SELECT count(*)::integer FROM pg_proc
            WHERE oid = ('chatter.track_' || 'public.one_lots'::regclass::oid)::regproc
              AND prosrc LIKE '%AND pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext(''chatter_bridge'')) THEN NOTIFY chatter_bridge; END IF;%'
              AND prosrc NOT LIKE '%pg_notify%'), 1,
    'the generated function wakes the bridges by the statement NOTIFY, under the throttle''s lock');
-- (On Citus, sql/citus/functions.sql reads the transition tables into arrays first: their cardinality.)
SELECT is((SELECT count(*)::integer FROM pg_proc
            WHERE oid = ('chatter.track_' || 'public.one_lots'::regclass::oid)::regproc
              AND prosrc ~ ('IF TG_OP = ''UPDATE'' AND (NOT EXISTS \(SELECT FROM new_rows OFFSET 1\)|cardinality\(_chatter_new\) <= 1) THEN'
                            || '.*ELSIF TG_OP = ''INSERT'' AND (NOT EXISTS \(SELECT FROM new_rows OFFSET 64\)|cardinality\(_chatter_new\) <= 64) THEN'
                            || '.*(SELECT count\(\*\) INTO _chatter_rows FROM new_rows;|_chatter_rows := cardinality\(_chatter_new\);)')), 1,
    'a single-row UPDATE and an INSERT of up to 64 rows are found without a count; larger statements count their rows');
SELECT ok((SELECT strpos(prosrc, 'create_nolog') > strpos(prosrc, 'IF TG_OP = ''INSERT'' THEN')
                  AND strpos(prosrc, 'IF TG_OP = ''INSERT'' THEN') > 0
             FROM pg_proc WHERE oid = ('chatter.track_' || 'public.one_lots'::regclass::oid)::regproc),
    'the generated function reads create_nolog only in a branch for INSERTs');

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '691';
-- Record Created switched off: an INSERT writes nothing and wakes no one; an UPDATE is still tracked.
SET LOCAL chatter.create_nolog = 'on';
INSERT INTO public.one_lots VALUES (201, 'new', 0);
INSERT INTO public.one_lots VALUES (202, 'new', 0), (203, 'new', 0);
-- No row matched (the single-row path, its rekey query finding nothing): no message, no wake-up.
UPDATE public.one_lots SET qty = 9 WHERE id = -1;
-- No change: no message, no wake-up.
UPDATE public.one_lots SET qty = 1 WHERE id = 2;
UPDATE public.one_lots SET name = name, qty = qty WHERE id = 3;
SELECT is((SELECT woken FROM bridges_woken), false, 'no message written yet: the bridges were not woken');
RESET ROLE;
SELECT is((SELECT count(*)::integer FROM chatter.messages WHERE model = 'one_lots'), 0,
    'create_nolog: no Record Created; an UPDATE that changes nothing: no message');

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '691';
UPDATE public.one_lots SET qty = 5 WHERE id = 201;
RESET ROLE;
SELECT is((SELECT body FROM chatter.messages WHERE model = 'one_lots' AND document = 201),
          '<ul><li>Qty: 0 → 5</li></ul>', 'create_nolog does not skip an UPDATE''s tracking');
SELECT is((SELECT woken FROM bridges_woken), true, 'a statement that wrote a message woke the bridges');
RESET chatter.create_nolog;

-- One row whose key changed: the rekey message, on its new key, by the acting user's contact.
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '691';
UPDATE public.one_lots SET id = 1003 WHERE id = 3;
RESET ROLE;
SELECT is((SELECT body FROM chatter.messages WHERE model = 'one_lots' AND document = 1003),
          '<ul><li>ID: 3 → 1003</li></ul>', 'a single-row key change: "ID: old → new"');
SELECT is((SELECT tracking FROM chatter.messages WHERE model = 'one_lots' AND document = 1003),
          '[{"field": "id", "label": "ID", "old_value": 3, "new_value": 1003, "old_display": "3", "new_display": "1003"}]'::jsonb,
          'a single-row key change: its tracking values');
SELECT is((SELECT author_id FROM chatter.messages WHERE model = 'one_lots' AND document = 1003), 9811::bigint,
          'a single-row key change: the acting user''s contact is the author');
SELECT is((SELECT count(*)::integer FROM chatter.messages WHERE model = 'one_lots' AND document = 3), 0,
          'nothing is written on the old key');

-- Two rows, the first re-keyed (its old and new rows are not one row's): the other row's diff, the key's
-- message, nothing more.
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '691';
UPDATE public.one_lots SET id = CASE WHEN id = 5 THEN 1005 ELSE id END, qty = qty + 1 WHERE id IN (5, 6);
RESET ROLE;
SELECT is((SELECT string_agg(document || ': ' || body, ' | ' ORDER BY document) FROM chatter.messages
            WHERE model = 'one_lots' AND document IN (5, 6, 1005)),
          '6: <ul><li>Qty: 1 → 2</li></ul> | 1005: <ul><li>ID: 5 → 1005</li></ul>',
          'two rows, the first re-keyed: one message per row, the pair of the one key change certain');
SELECT is((SELECT count(DISTINCT author_id)::integer || ' ' || min(author_id) FROM chatter.messages
            WHERE model = 'one_lots' AND document IN (6, 1005)), '1 9811', 'both by the acting user''s contact');

-- A row the policy hides: not updated, not tracked.
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '691';
UPDATE public.one_lots SET qty = 7 WHERE id = 100;
RESET ROLE;
SELECT is((SELECT count(*)::integer FROM chatter.messages WHERE model = 'one_lots' AND document = 100), 0,
    'a row the application''s policy hides is neither updated nor tracked');
SELECT is((SELECT count(*)::integer FROM chatter.messages WHERE model = 'one_lots'), 4,
    'four messages in all');

SELECT * FROM finish();
ROLLBACK;
