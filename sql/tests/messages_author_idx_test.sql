-- Issue 23: messages_author_id_idx is partial (WHERE author_id IS NOT NULL), so a message of no author (the
-- Tracking messages of bulk jobs, which run with no acting user) adds no entry, and every reader by author
-- still reads through it: the contacts foreign key's ON DELETE SET NULL (no sequential scan of the messages
-- when a contact is deleted) and a caller's `author_id = x` as chatter_app under the row-level policies.
-- enable_seqscan is off where a plan is checked: a usable index is then always taken, an unusable one never.
BEGIN;
SELECT plan(8);

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
CREATE FUNCTION pg_temp.seq_scans() RETURNS bigint LANGUAGE sql AS $$
    SELECT coalesce(sum(seq_scan), 0)::bigint FROM pg_catalog.pg_stat_xact_user_tables
     WHERE schemaname = 'chatter' AND relname = 'messages'
$$;
GRANT EXECUTE ON FUNCTION pg_temp.plan_of(text) TO chatter_app;

SELECT is((SELECT pg_catalog.pg_get_expr(i.indpred, i.indrelid) FROM pg_catalog.pg_index AS i
            WHERE i.indexrelid = 'chatter.messages_author_id_idx'::regclass),
          '(author_id IS NOT NULL)', 'the author index holds only messages with an author');

INSERT INTO chatter.contacts (id, name) VALUES (980001, 'Author One'), (980002, 'Author Two');
INSERT INTO chatter.users (id, contact_id, username) VALUES (980001, 980001, 'author1');
INSERT INTO chatter.messages (message_type, body, author_id)
SELECT 'Message'::chatter.message_type, 'mine ' || g, 980001 FROM generate_series(1, 3) AS g
UNION ALL SELECT 'Message', 'theirs ' || g, 980002 FROM generate_series(1, 2) AS g;
ANALYZE chatter.messages;

SET LOCAL enable_seqscan = off;
-- The foreign key's cascade, as PostgreSQL's RI code writes it, with a kept (generic) plan.
SET LOCAL plan_cache_mode = force_generic_plan;
PREPARE author_ri(bigint) AS UPDATE ONLY chatter.messages SET author_id = NULL WHERE $1 OPERATOR(pg_catalog.=) author_id;
SELECT matches(pg_temp.plan_of('EXECUTE author_ri(980002)'), 'Index Scan (using|on) messages_author_id_idx',
               'ON DELETE SET NULL of a contact reads its messages through the author index (generic plan)');
DEALLOCATE author_ri;
RESET plan_cache_mode;

CREATE TEMP TABLE scans_before AS SELECT pg_temp.seq_scans() AS n;
DELETE FROM chatter.contacts WHERE id = 980002;
SELECT is(pg_temp.seq_scans() - (SELECT n FROM scans_before), 0::bigint,
          'deleting a contact reads no message sequentially');
SELECT is((SELECT count(*) FROM chatter.messages WHERE body LIKE 'theirs %' AND author_id IS NULL), 2::bigint,
          'the deleted contact''s messages lost their author (ON DELETE SET NULL)');

-- As the application, under the row-level policies.
SET LOCAL ROLE chatter_app;
SELECT set_config('chatter.user_id', '980001', true);
SELECT matches(pg_temp.plan_of('SELECT id FROM chatter.messages WHERE author_id = 980001'),
               'Index Scan (using|on) messages_author_id_idx',
               'as chatter_app, a read by author goes through the author index');
SELECT is((SELECT count(*) FROM chatter.messages WHERE author_id = 980001), 3::bigint,
          'as chatter_app, one reads one''s own messages on no record');
SELECT is((SELECT count(*) FROM chatter.messages WHERE body LIKE 'theirs %'), 0::bigint,
          'as chatter_app, another''s messages on no record (not notified) are not read');
RESET ROLE;

-- A message of no author needs no entry: the index is not larger for them (bulk Tracking, the system acting).
CREATE TEMP TABLE size_before AS SELECT pg_catalog.pg_relation_size('chatter.messages_author_id_idx') AS n;
INSERT INTO chatter.messages (message_type, model, document, body)
SELECT 'Tracking', 'author_idx_items', g, '' FROM generate_series(1, 2000) AS g;
SELECT is(pg_catalog.pg_relation_size('chatter.messages_author_id_idx'), (SELECT n FROM size_before),
          '2,000 messages of no author add nothing to the author index');

SELECT * FROM finish();
ROLLBACK;
