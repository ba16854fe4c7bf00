-- Tracking's bulk path (statements over 64 rows): same messages as the small paths (one row; 2 to 64 rows), the author and subtype
-- held by one lock instead of per-row foreign-key checks, and the session left as it was.
BEGIN;
SELECT plan(32);

CREATE TABLE public.lots (
    id bigint PRIMARY KEY, name varchar(40), qty integer, price numeric(10, 2), active boolean, due date
);
INSERT INTO public.lots SELECT g, 'lot', 7, 7.5, true, DATE '2026-01-01' FROM generate_series(1, 200) AS g;
SELECT chatter.enable('lots');
INSERT INTO chatter.contacts (id, name) VALUES (9101, 'Bulk Bea');
INSERT INTO chatter.users (id, contact_id, username) VALUES (601, 9101, 'bea');
SET LOCAL chatter.user_id = '601';
SET LOCAL work_mem = '3MB';     -- the session's own planner settings, which the bulk path must leave as they are
SET LOCAL jit = on;
SET LOCAL enable_mergejoin = on;

-- The same change through the three paths: one row (SELECT INTO), 2 to 64 rows (the row loop), more (bulk)
UPDATE public.lots SET name = 'say "hi" \ <b>', qty = qty + 1, price = price + 1, active = false,
                       due = DATE '2026-02-01' WHERE id = 1;
UPDATE public.lots SET name = 'say "hi" \ <b>', qty = qty + 1, price = price + 1, active = false,
                       due = DATE '2026-02-01' WHERE id IN (2, 3);
UPDATE public.lots SET name = 'say "hi" \ <b>', qty = qty + 1, price = price + 1, active = false,
                       due = DATE '2026-02-01' WHERE id > 3;
SELECT is((SELECT count(*)::int FROM chatter.messages WHERE model = 'lots'), 200, 'one message per row, all paths');
SELECT is((SELECT tracking FROM chatter.messages WHERE model = 'lots' AND document = 2)::text,
          (SELECT tracking FROM chatter.messages WHERE model = 'lots' AND document = 1)::text,
          'the row loop''s JSON equals the single-row JSON, value for value');
SELECT is((SELECT body FROM chatter.messages WHERE model = 'lots' AND document = 2),
          (SELECT body FROM chatter.messages WHERE model = 'lots' AND document = 1),
          'the row loop''s body equals the single-row body');
SELECT is((SELECT tracking FROM chatter.messages WHERE model = 'lots' AND document = 150)::text,
          (SELECT tracking FROM chatter.messages WHERE model = 'lots' AND document = 1)::text,
          'the bulk JSON equals the small-statement JSON, value for value');
SELECT is((SELECT tracking FROM chatter.messages WHERE model = 'lots' AND document = 150),
    jsonb_build_array(
        jsonb_build_object('field', 'name', 'label', 'Name', 'old_value', 'lot', 'new_value', 'say "hi" \ <b>',
                           'old_display', 'lot', 'new_display', 'say "hi" \ <b>'),
        jsonb_build_object('field', 'qty', 'label', 'Qty', 'old_value', 7, 'new_value', 8,
                           'old_display', '7', 'new_display', '8'),
        jsonb_build_object('field', 'price', 'label', 'Price', 'old_value', 7.50, 'new_value', 8.50,
                           'old_display', '7.50', 'new_display', '8.50'),
        jsonb_build_object('field', 'active', 'label', 'Active', 'old_value', true, 'new_value', false,
                           'old_display', 'Yes', 'new_display', 'No'),
        jsonb_build_object('field', 'due', 'label', 'Due', 'old_value', '2026-01-01', 'new_value', '2026-02-01',
                           'old_display', '2026-01-01', 'new_display', '2026-02-01')),
    'bulk JSON: quotes and backslashes escaped, numbers as numbers, booleans as Yes/No displays');
SELECT is((SELECT body FROM chatter.messages WHERE model = 'lots' AND document = 150),
    '<ul><li>Name: lot → say &quot;hi&quot; \ &lt;b&gt;</li><li>Qty: 7 → 8</li><li>Price: 7.50 → 8.50</li>'
    '<li>Active: Yes → No</li><li>Due: 2026-01-01 → 2026-02-01</li></ul>',
    'bulk body: HTML escaped');
SELECT is((SELECT count(*)::int FROM chatter.messages WHERE model = 'lots' AND author_id = 9101
              AND subtype_id = (SELECT id FROM chatter.subtypes WHERE identifier = 'tracking')), 200,
    'every message carries the acting user''s contact and the tracking subtype');
SELECT is(current_setting('session_replication_role'), 'origin', 'the session is back in origin mode');
SELECT is(ARRAY[current_setting('jit'), current_setting('enable_mergejoin'), current_setting('work_mem')],
          ARRAY['on', 'on', '3MB'], 'the bulk queries'' planner settings are the session''s again');

-- Foreign keys still hold for every other write in the transaction
SELECT throws_ok($$INSERT INTO chatter.messages (model, document, author_id) VALUES ('lots', 1, 999999)$$, '23503',
    NULL, 'after a bulk statement, foreign keys of chatter.messages are checked again');

-- Keys changed in bulk: logged by the rekey query
DELETE FROM chatter.messages;
UPDATE public.lots SET id = id + 1000 WHERE id <= 100;
SELECT is((SELECT count(*)::int FROM chatter.messages WHERE model = 'lots' AND body LIKE '<ul><li>ID: unknown → %'), 100,
    'a bulk key change logs each moved row');
DELETE FROM chatter.messages;
UPDATE public.lots SET qty = 0 WHERE id > 1100 OR id <= 1010;
UPDATE public.lots SET qty = 0, id = CASE WHEN id = 1005 THEN 5005 ELSE id END WHERE id <= 1100;
SELECT is((SELECT count(*)::int FROM chatter.messages WHERE model = 'lots' AND body LIKE '%ID:%'), 1,
    'some rows unchanged and one key changed: only the moved row is logged as moved');
SELECT is((SELECT body FROM chatter.messages WHERE model = 'lots' AND document = 5005 AND body LIKE '%ID:%'),
    '<ul><li>ID: 1005 → 5005</li></ul>', 'with its old key, as it was the only one');

-- A trigger of the application's own on chatter.messages: the bulk path keeps the per-row checks, so
-- replica mode never skips (or wrongly fires) that trigger.
DELETE FROM chatter.messages;
CREATE TABLE public.seen (n integer);
GRANT INSERT ON public.seen TO chatter_owner;   -- tracking writes messages as chatter_owner
CREATE FUNCTION public.count_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.seen VALUES (1);
    RETURN NULL;
END $$;
CREATE TRIGGER count_message AFTER INSERT ON chatter.messages FOR EACH ROW EXECUTE FUNCTION public.count_message();
UPDATE public.lots SET qty = qty + 1;
SELECT is((SELECT count(*)::int FROM public.seen), 200, 'an application trigger on chatter.messages fires for every bulk row');
SELECT is((SELECT count(*)::int FROM chatter.messages), 200, 'and the messages are written');
-- An ENABLE ALWAYS trigger fires in replica mode too: the bulk path keeps its single lock.
DELETE FROM public.seen;
DELETE FROM chatter.messages;
CREATE OR REPLACE FUNCTION public.count_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.seen VALUES (CASE current_setting('session_replication_role') WHEN 'replica' THEN 1 ELSE 0 END);
    RETURN NULL;
END $$;
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER count_message;
UPDATE public.lots SET qty = qty + 1;
SELECT is((SELECT count(*)::int || '/' || sum(n) FROM public.seen), '200/200',
    'an ENABLE ALWAYS trigger fires for every bulk row, and the INSERT ran in replica mode');
DROP TRIGGER count_message ON chatter.messages;

-- When it declines, the per-row checks run as usual.
SELECT is(chatter._track_bulk_begin(999999), NULL, 'an author that does not exist: declined, the FK check will raise');
SET LOCAL session_replication_role = local;
SELECT is(chatter._track_bulk_begin(9101), NULL, 'a session not in origin mode: declined');
SET LOCAL session_replication_role = origin;
GRANT EXECUTE ON FUNCTION chatter._track_bulk_begin(bigint) TO chatter_app;
SET LOCAL ROLE chatter_app;
SELECT is(chatter._track_bulk_begin(9101), NULL, 'a role that may not set session_replication_role: declined');
RESET ROLE;
SELECT is(chatter._track_bulk_begin(9101), 'origin', 'otherwise it switches to replica and says what to restore');
SELECT is(current_setting('session_replication_role'), 'replica', 'for the INSERT that follows');
SET LOCAL session_replication_role = origin;

-- chatter's own trigger on chatter.messages does not turn the bulk path off
SELECT is((SELECT string_agg(tgname || '=' || tgenabled::text, ' ' ORDER BY tgname) FROM pg_trigger
            WHERE tgrelid = 'chatter.messages'::regclass AND NOT tgisinternal AND tgenabled IN ('O', 'R')), NULL,
    'every trigger chatter puts on chatter.messages is ENABLE ALWAYS');

-- Both paths again, on foreign keys, enums, NULLs and a label with % and quotes (the small path is a
-- PL/pgSQL row loop generated from the same templates as the bulk query).
CREATE TYPE public.lot_grade AS ENUM ('low', 'high');
CREATE TABLE public.lot_owners (id bigint PRIMARY KEY, name text);
INSERT INTO public.lot_owners VALUES (1, 'Ann & Co'), (2, '<Bob>');
CREATE TABLE public.lots2 (id bigint PRIMARY KEY, owner_id bigint REFERENCES public.lot_owners, grade public.lot_grade,
                           margin numeric, note varchar(20));
COMMENT ON COLUMN public.lots2.margin IS 'Margin % "net"';
INSERT INTO public.lots2 SELECT g, 1, 'low', NULL, 'n' FROM generate_series(1, 100) AS g;
SELECT chatter.enable('lots2');
UPDATE public.lots2 SET owner_id = 2, grade = 'high', margin = 12.5, note = NULL WHERE id = 1;
UPDATE public.lots2 SET owner_id = 2, grade = 'high', margin = 12.5, note = NULL WHERE id BETWEEN 2 AND 4;
UPDATE public.lots2 SET owner_id = 2, grade = 'high', margin = 12.5, note = NULL WHERE id > 4;
SELECT is((SELECT body FROM chatter.messages WHERE model = 'lots2' AND document = 1),
    '<ul><li>Owner: Ann &amp; Co → &lt;Bob&gt;</li><li>Grade: low → high</li>'
    '<li>Margin % &quot;net&quot;: None → 12.5</li><li>Note: n → None</li></ul>',
    'small path: FK display names, enum labels, NULL as None, the label escaped');
SELECT is((SELECT body FROM chatter.messages WHERE model = 'lots2' AND document = 50),
          (SELECT body FROM chatter.messages WHERE model = 'lots2' AND document = 1),
    'the bulk body equals the small-statement body');
SELECT is((SELECT tracking FROM chatter.messages WHERE model = 'lots2' AND document = 50)::text,
          (SELECT tracking FROM chatter.messages WHERE model = 'lots2' AND document = 1)::text,
    'the bulk JSON equals the small-statement JSON on keys, enums and NULLs');

-- A small statement of several rows: its messages collected by the row loop and written by one INSERT
SELECT is((SELECT array_agg(DISTINCT body) FROM chatter.messages WHERE model = 'lots2' AND document BETWEEN 2 AND 4),
          ARRAY[(SELECT body FROM chatter.messages WHERE model = 'lots2' AND document = 1)],
    'a 3-row statement writes the single-row body for each row');
SELECT is((SELECT array_agg(DISTINCT tracking::text) FROM chatter.messages WHERE model = 'lots2' AND document BETWEEN 2 AND 4),
          ARRAY[(SELECT tracking::text FROM chatter.messages WHERE model = 'lots2' AND document = 1)],
    'and the single-row JSON');

-- Golden output (issue 23): every type's tracking entry and list item pinned to a literal, on the small
-- path and the bulk path, and the wire shape equal to the column. How the entries are built or stored may
-- change (SPEC 4); what every reader gets may not. The reference is written with jsonb_build_object, the
-- plain way, not with the generator's text templates. Time zone and money locale pinned: both are the
-- session's.
SET LOCAL TIME ZONE 'UTC';
SET LOCAL lc_monetary = 'C';
CREATE TYPE public.gold_stage AS ENUM ('draft', 'sent & "done"');
CREATE TABLE public.gold_refs (id bigint PRIMARY KEY, name varchar(40));
INSERT INTO public.gold_refs VALUES (1, 'Alice <a>'), (2, 'Bob & "Co"');
CREATE TABLE public.gold (
    id bigint PRIMARY KEY, ref_id bigint REFERENCES public.gold_refs, stage public.gold_stage, note varchar(40),
    due date, at timestamptz, amount money, price numeric(10, 2), ratio double precision, r4 real, ok boolean,
    n integer);
COMMENT ON COLUMN public.gold.note IS 'Note <100%> "quoted"';
SELECT chatter.enable('gold');
INSERT INTO public.gold SELECT g, 1, 'draft', E'a\\b"c', '2026-01-02', '2026-01-02 03:04:05+00', 1.5, 1.50, 1e20,
                               0.1, true, 7 FROM generate_series(1, 100) AS g;
UPDATE public.gold SET ref_id = 2, stage = 'sent & "done"', note = NULL, due = '2026-12-31', at = NULL,
       amount = 1234.56, price = 2.00, ratio = 1.5e-7, r4 = 3.4e38, ok = NULL, n = -3 WHERE id = 1;
UPDATE public.gold SET ref_id = 2, stage = 'sent & "done"', note = NULL, due = '2026-12-31', at = NULL,
       amount = 1234.56, price = 2.00, ratio = 1.5e-7, r4 = 3.4e38, ok = NULL, n = -3 WHERE id > 1;
CREATE TEMP TABLE gold_expected AS SELECT
    '<ul><li>Ref: Alice &lt;a&gt; → Bob &amp; &quot;Co&quot;</li><li>Stage: draft → sent &amp; &quot;done&quot;</li>'
    '<li>Note &lt;100%&gt; &quot;quoted&quot;: a\b&quot;c → None</li><li>Due: 2026-01-02 → 2026-12-31</li>'
    '<li>At: 2026-01-02 03:04:05+00 → None</li><li>Amount: $1.50 → $1,234.56</li><li>Price: 1.50 → 2.00</li>'
    '<li>Ratio: 1e+20 → 1.5e-07</li><li>R4: 0.1 → 3.4e+38</li><li>Ok: Yes → None</li><li>N: 7 → -3</li></ul>'::text AS body,
    jsonb_build_array(
        jsonb_build_object('field', 'ref_id', 'label', 'Ref', 'old_value', 1, 'new_value', 2,
                           'old_display', 'Alice <a>', 'new_display', 'Bob & "Co"'),
        jsonb_build_object('field', 'stage', 'label', 'Stage', 'old_value', 'draft', 'new_value', 'sent & "done"',
                           'old_display', 'draft', 'new_display', 'sent & "done"'),
        jsonb_build_object('field', 'note', 'label', 'Note <100%> "quoted"', 'old_value', E'a\\b"c', 'new_value', NULL,
                           'old_display', E'a\\b"c', 'new_display', NULL),
        jsonb_build_object('field', 'due', 'label', 'Due', 'old_value', '2026-01-02', 'new_value', '2026-12-31',
                           'old_display', '2026-01-02', 'new_display', '2026-12-31'),
        jsonb_build_object('field', 'at', 'label', 'At', 'old_value', '2026-01-02T03:04:05+00:00', 'new_value', NULL,
                           'old_display', '2026-01-02 03:04:05+00', 'new_display', NULL),
        jsonb_build_object('field', 'amount', 'label', 'Amount', 'old_value', '$1.50', 'new_value', '$1,234.56',
                           'old_display', '$1.50', 'new_display', '$1,234.56'),
        jsonb_build_object('field', 'price', 'label', 'Price', 'old_value', 1.50, 'new_value', 2.00,
                           'old_display', '1.50', 'new_display', '2.00'),
        jsonb_build_object('field', 'ratio', 'label', 'Ratio', 'old_value', 1e20::numeric, 'new_value', 1.5e-7::numeric,
                           'old_display', '1e+20', 'new_display', '1.5e-07'),
        jsonb_build_object('field', 'r4', 'label', 'R4', 'old_value', 0.1, 'new_value', 3.4e38::numeric,
                           'old_display', '0.1', 'new_display', '3.4e+38'),
        jsonb_build_object('field', 'ok', 'label', 'Ok', 'old_value', true, 'new_value', NULL,
                           'old_display', 'Yes', 'new_display', NULL),
        jsonb_build_object('field', 'n', 'label', 'N', 'old_value', 7, 'new_value', -3,
                           'old_display', '7', 'new_display', '-3')) AS tracking;
SELECT is((SELECT tracking::text FROM chatter.messages WHERE model = 'gold' AND document = 1 AND tracking IS NOT NULL),
          (SELECT tracking::text FROM gold_expected),
    'golden JSON (the entries behind an 11-column change), small path: FK, enum, NULL, escaping, date, timestamptz, money, numeric, floats, boolean, integer');
SELECT is((SELECT body FROM chatter.messages WHERE model = 'gold' AND document = 1 AND tracking IS NOT NULL), (SELECT body FROM gold_expected),
    'golden body, small path');
SELECT is((SELECT array_agg(DISTINCT tracking::text) FROM chatter.messages WHERE model = 'gold' AND document > 1 AND tracking IS NOT NULL),
          ARRAY[(SELECT tracking::text FROM gold_expected)],
    'golden JSON, bulk path (99 rows)');
SELECT is((SELECT array_agg(DISTINCT body) FROM chatter.messages WHERE model = 'gold' AND document > 1 AND tracking IS NOT NULL),
          ARRAY[(SELECT body FROM gold_expected)],
    'golden body, bulk path');
SELECT is((SELECT chatter.message_wire(m) -> 'tracking' FROM chatter.messages AS m WHERE m.model = 'gold' AND m.document = 1 AND m.tracking IS NOT NULL),
          (SELECT tracking FROM gold_expected),
    'the wire shape (HTTP, WebSocket) carries the same tracking');

SELECT * FROM finish();
ROLLBACK;
