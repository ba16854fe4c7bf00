-- Issue 23: messages_record_idx is keyed (document, model, id) without deduplication (cheaper to insert
-- into for every Tracking message), and a record's feed still reads through it, newest first, with model
-- and document both in the index condition: as chatter_app under the row-level policies, whose record
-- check refuses the feed of a record one may not read. enable_seqscan is off where a plan is checked.
BEGIN;
SELECT plan(6);

CREATE FUNCTION pg_temp.plan_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    line text;
    out text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
        out := out || line || E'\n';
    END LOOP;
    RETURN out;
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.plan_of(text) TO chatter_app;

SELECT is(pg_catalog.pg_get_indexdef('chatter.messages_record_idx'::regclass),
          'CREATE INDEX messages_record_idx ON chatter.messages USING btree (document, model, id) WITH (deduplicate_items=off)',
          'the record index: document, model, id, no deduplication');

INSERT INTO chatter.contacts (id, name) VALUES (981001, 'Feed Reader');
INSERT INTO chatter.users (id, contact_id, username) VALUES (981001, 981001, 'feedreader');
CREATE TABLE public.feed_deals (id int PRIMARY KEY, name text);
CREATE TABLE public.feed_payroll (id int PRIMARY KEY, name text);
INSERT INTO public.feed_deals SELECT g, 'deal ' || g FROM generate_series(1, 3) AS g;
INSERT INTO public.feed_payroll VALUES (2, 'March payroll');
SELECT chatter.enable('feed_deals', track => false);
SELECT chatter.enable('feed_payroll', track => false);
GRANT SELECT ON public.feed_deals TO chatter_app;        -- deals' feeds are readable, payroll's are not
-- Three messages on deal 2, one on deal 1 and deal 3, one on payroll 2 (same document, another model).
INSERT INTO chatter.messages (message_type, model, document, body)
SELECT 'Note', 'feed_deals', d, 'deal ' || d || ' note ' || g
  FROM generate_series(1, 3) AS d, generate_series(1, CASE WHEN d = 2 THEN 3 ELSE 1 END) AS g;
INSERT INTO chatter.messages (message_type, model, document, body) VALUES ('Note', 'feed_payroll', 2, 'salaries');
-- Other records' messages, newer: reading the newest ids back and filtering them costs more than the index.
INSERT INTO chatter.messages (message_type, model, document, body)
SELECT 'Note', 'feed_deals', 100 + g % 200, 'other' FROM generate_series(1, 2000) AS g;
ANALYZE chatter.messages;

SET LOCAL enable_seqscan = off;
SET LOCAL ROLE chatter_app;
SELECT set_config('chatter.user_id', '981001', true);
SELECT matches(pg_temp.plan_of($$SELECT id FROM chatter.messages WHERE model = 'feed_deals' AND document = 2
                                   ORDER BY id DESC LIMIT 20$$),
               'Index Scan Backward using messages_record_idx on messages\s+Index Cond: \(\(document = 2\) AND \(model = ''feed_deals''::text\)\)',
               'a record''s feed, newest first, is read backward through the record index on model and document');
SELECT results_eq($$SELECT body FROM chatter.messages WHERE model = 'feed_deals' AND document = 2 ORDER BY id DESC$$,
                  ARRAY['deal 2 note 3', 'deal 2 note 2', 'deal 2 note 1'],
                  'as chatter_app, the feed of a readable record, newest first, only its own messages');
SELECT is((SELECT count(*) FROM chatter.messages WHERE document = 2), 3::bigint,
          'as chatter_app, the same document of a model one may not read is not read');
SELECT is_empty($$SELECT id FROM chatter.messages WHERE model = 'feed_payroll' AND document = 2$$,
                'as chatter_app, the feed of a record one may not read is refused (no row)');
RESET ROLE;
SELECT results_eq($$SELECT model, document FROM chatter.messages WHERE document = 2 AND model LIKE 'feed_%' ORDER BY model$$,
                  $$VALUES ('feed_deals'::text, 2::bigint), ('feed_deals', 2), ('feed_deals', 2), ('feed_payroll', 2)$$,
                  'the owner reads all four');

SELECT * FROM finish();
ROLLBACK;
