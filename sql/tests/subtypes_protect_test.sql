-- The built-in subtype tracking cannot be deleted or re-keyed (issue 23, subtypes_protect): the generated
-- tracking functions write its id as a constant, looked up when they are generated. Written as chatter_app
-- with the application's row-level security on; the refusals as chatter_app (no right to write subtypes)
-- and as chatter_owner, who owns chatter.subtypes (CH002 from the trigger).
BEGIN;
SELECT plan(29);

CREATE TEMP TABLE tracking_id AS SELECT s.id FROM chatter.subtypes AS s WHERE s.identifier = 'tracking';
GRANT SELECT ON tracking_id TO chatter_app, chatter_owner;
INSERT INTO chatter.contacts (id, name) VALUES (9801, 'Sub Sam');
INSERT INTO chatter.users (id, contact_id, username) VALUES (681, 9801, 'sam');
CREATE TABLE public.sub_lots (id integer PRIMARY KEY, name varchar(40), qty integer);
INSERT INTO public.sub_lots SELECT g, 'lot ' || g, 1 FROM generate_series(1, 100) AS g;
SELECT chatter.enable('public.sub_lots');
GRANT SELECT, INSERT, UPDATE ON public.sub_lots TO chatter_app;
ALTER TABLE public.sub_lots ENABLE ROW LEVEL SECURITY;
CREATE POLICY sub_lots_app ON public.sub_lots TO chatter_app USING (id <> 100) WITH CHECK (id <> 100);

SELECT is((SELECT count(*)::integer FROM pg_proc
            WHERE oid = ('chatter.track_' || 'public.sub_lots'::regclass::oid)::regproc
              AND prosrc NOT LIKE '%chatter.subtypes%'
              AND prosrc LIKE '%''Tracking'', ' || (SELECT id FROM tracking_id) || ', %'
              AND prosrc LIKE '%''''Tracking'''', ' || (SELECT id FROM tracking_id) || ', %'), 1,
    'the generated function writes the subtype''s id as a constant, in its static and EXECUTEd INSERTs: no lookup, no lock');

-- The three paths of an UPDATE, Record Created (small and bulk) and a key change, written as chatter_app.
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '681';
UPDATE public.sub_lots SET qty = 2 WHERE id = 1;
UPDATE public.sub_lots SET qty = 2 WHERE id BETWEEN 2 AND 4;
UPDATE public.sub_lots SET qty = 2 WHERE id BETWEEN 5 AND 99;
UPDATE public.sub_lots SET qty = 3 WHERE id = 100;
UPDATE public.sub_lots SET id = 1001 WHERE id = 99;
INSERT INTO public.sub_lots SELECT g, 'new', 0 FROM generate_series(201, 203) AS g;
INSERT INTO public.sub_lots SELECT g, 'new', 0 FROM generate_series(301, 400) AS g;
RESET ROLE;
SELECT is((SELECT count(*)::integer FROM chatter.messages WHERE model = 'sub_lots' AND body LIKE '<ul><li>Qty:%'), 99,
    'one Tracking message per changed row the application could see');
SELECT is((SELECT string_agg(DISTINCT m.subtype_id::text || ' ' || m.author_id, ',') FROM chatter.messages AS m
            WHERE m.model = 'sub_lots' AND m.document = 1),
          (SELECT id || ' 9801' FROM tracking_id), 'single row: the tracking subtype, the acting user''s contact');
SELECT is((SELECT count(*)::integer FROM chatter.messages AS m
            WHERE m.model = 'sub_lots' AND m.document BETWEEN 2 AND 4 AND m.subtype_id = (SELECT id FROM tracking_id)
              AND m.body = '<ul><li>Qty: 1 → 2</li></ul>' AND m.author_id = 9801), 3,
    'row loop (2 to 64 rows): the tracking subtype');
SELECT is((SELECT count(*)::integer FROM chatter.messages AS m
            WHERE m.model = 'sub_lots' AND m.document BETWEEN 5 AND 98 AND m.subtype_id = (SELECT id FROM tracking_id)
              AND m.body = '<ul><li>Qty: 1 → 2</li></ul>' AND m.author_id = 9801), 94,
    'bulk (over 64 rows): the tracking subtype');
SELECT is((SELECT count(*)::integer FROM chatter.messages AS m WHERE m.model = 'sub_lots' AND m.document = 100), 0,
    'a row the application''s policy hides is not updated, nor tracked');
SELECT is((SELECT m.subtype_id FROM chatter.messages AS m WHERE m.model = 'sub_lots' AND m.document = 1001),
          (SELECT id FROM tracking_id), 'a key change: the tracking subtype');
SELECT is((SELECT count(*)::integer FROM chatter.messages AS m
            WHERE m.model = 'sub_lots' AND m.body = 'Record Created' AND m.subtype_id = (SELECT id FROM tracking_id)), 103,
    'Record Created, small and bulk statements: the tracking subtype');
SELECT is((SELECT count(*)::integer FROM chatter.messages AS m WHERE m.model = 'sub_lots'
             AND m.subtype_id IS DISTINCT FROM (SELECT id FROM tracking_id)), 0, 'no Tracking message without it');

-- chatter_app may not write chatter.subtypes at all.
SET LOCAL ROLE chatter_app;
SELECT throws_ok($$DELETE FROM chatter.subtypes WHERE identifier = 'tracking'$$, '42501',
    'permission denied for table subtypes', 'chatter_app cannot delete the tracking subtype');
SELECT throws_ok($$UPDATE chatter.subtypes SET id = 999 WHERE identifier = 'tracking'$$, '42501',
    'permission denied for table subtypes', 'nor re-key it');
RESET ROLE;

-- Its owner may not either: CH002 (protected).
SET LOCAL ROLE chatter_owner;
SELECT throws_ok($$DELETE FROM chatter.subtypes WHERE identifier = 'tracking'$$, 'CH002',
    'subtype tracking is built in: it cannot be deleted', 'the owner cannot delete the tracking subtype');
SELECT throws_ok($$DELETE FROM chatter.subtypes$$, 'CH002',
    'subtype tracking is built in: it cannot be deleted', 'nor with the others');
SELECT throws_ok($$UPDATE chatter.subtypes SET id = 999 WHERE identifier = 'tracking'$$, 'CH002',
    'subtype tracking is built in: its id and identifier cannot change', 'nor change its id');
SELECT throws_ok($$UPDATE chatter.subtypes SET identifier = 'tracking_old' WHERE identifier = 'tracking'$$, 'CH002',
    'subtype tracking is built in: its id and identifier cannot change', 'nor its identifier');
SELECT throws_ok($$UPDATE chatter.subtypes SET id = id + 1000$$, 'CH002',
    'subtype tracking is built in: its id and identifier cannot change', 'nor in a statement over every subtype');
SELECT throws_ok($$TRUNCATE chatter.subtypes CASCADE$$, 'CH002',
    'chatter.subtypes cannot be truncated: it holds the built-in subtype tracking', 'nor truncate the table');
SELECT throws_ok($$INSERT INTO chatter.subtypes (identifier, name) VALUES ('tracking', 'Second')$$, '23505', NULL,
    'nor add a second one');
SET LOCAL session_replication_role = replica;
SELECT throws_ok($$DELETE FROM chatter.subtypes WHERE identifier = 'tracking'$$, 'CH002', NULL,
    'not in replica mode either (the triggers are ENABLE ALWAYS)');
SET LOCAL session_replication_role = origin;
SELECT lives_ok($$UPDATE chatter.subtypes SET name = 'Changes', description = 'Field changes', internal = false
                   WHERE identifier = 'tracking'$$, 'its name, description and flags may change');
SELECT lives_ok($$UPDATE chatter.subtypes SET id = id, identifier = identifier WHERE identifier = 'tracking'$$,
    'an UPDATE that leaves its id and identifier as they are passes');
SELECT is((SELECT s.id || ' ' || s.name FROM chatter.subtypes AS s WHERE s.identifier = 'tracking'),
          (SELECT id || ' Changes' FROM tracking_id), 'renamed, same id');
INSERT INTO chatter.subtypes (identifier, name) VALUES ('sub_custom', 'Custom');
SELECT lives_ok($$UPDATE chatter.subtypes SET identifier = 'sub_custom2' WHERE identifier = 'sub_custom'$$,
    'a custom subtype may be re-identified');
SELECT lives_ok($$DELETE FROM chatter.subtypes WHERE identifier = 'sub_custom2'$$, 'and deleted');
SELECT lives_ok($$DELETE FROM chatter.subtypes WHERE identifier = 'note'$$,
    'the other shipped subtypes stay deletable (their writers look them up per message)');
RESET ROLE;

-- Regenerated (enable again, ALTER TABLE): the same constant.
SELECT chatter.enable('public.sub_lots');
ALTER TABLE public.sub_lots ADD COLUMN grade integer;
SELECT is((SELECT count(*)::integer FROM pg_proc
            WHERE oid = ('chatter.track_' || 'public.sub_lots'::regclass::oid)::regproc
              AND prosrc NOT LIKE '%chatter.subtypes%' AND prosrc LIKE '%''Tracking'', ' || (SELECT id FROM tracking_id) || ', %'), 1,
    'regenerated after ALTER TABLE: the same constant');
SET LOCAL ROLE chatter_app;
UPDATE public.sub_lots SET grade = 5 WHERE id = 1;
RESET ROLE;
SELECT is((SELECT m.subtype_id FROM chatter.messages AS m WHERE m.model = 'sub_lots' AND m.document = 1
            AND m.body LIKE '%Grade%'), (SELECT id FROM tracking_id), 'and it writes it');

-- The catalog: both triggers ENABLE ALWAYS, the function no one calls.
SELECT is((SELECT string_agg(tgname || '=' || tgenabled::text, ' ' ORDER BY tgname) FROM pg_trigger
            WHERE tgrelid = 'chatter.subtypes'::regclass AND tgname LIKE 'subtypes_protect%'),
          'subtypes_protect=A subtypes_protect_truncate=A', 'the protecting triggers fire in every replication role');
SELECT ok(NOT has_function_privilege('public', 'chatter._subtypes_protect()', 'execute'), 'the trigger function is not public');

SELECT * FROM finish();
ROLLBACK;
