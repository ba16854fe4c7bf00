-- Tracking's bulk path (statements over 64 rows): same messages as the small path, the author and subtype
-- held by one lock instead of per-row foreign-key checks, and the session left as it was.
BEGIN;
SELECT plan(25);

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

-- The same change through both paths
UPDATE public.lots SET name = 'say "hi" \ <b>', qty = qty + 1, price = price + 1, active = false,
                       due = DATE '2026-02-01' WHERE id = 1;
UPDATE public.lots SET name = 'say "hi" \ <b>', qty = qty + 1, price = price + 1, active = false,
                       due = DATE '2026-02-01' WHERE id > 1;
SELECT is((SELECT count(*)::int FROM chatter.messages WHERE model = 'lots'), 200, 'one message per row, both paths');
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

SELECT * FROM finish();
ROLLBACK;
