-- Deploy pgchatter:record_feed to pg
-- requires: record_feed@v0.9.0
-- requires: tracking_values

BEGIN;

-- A page of a record's feed, newest first, by id cursor; runs as the caller so row-level security applies.
-- Issue 23: Tracking messages store their values typed (tracking_values); each row comes out with its
-- tracking column rendered as it was stored before (chatter.tracking_read), so callers of the feed read
-- the same rows as ever. jit = off as set by read_paths_no_jit (CREATE OR REPLACE would reset it).
CREATE OR REPLACE FUNCTION chatter.record_feed(model text, document bigint, "limit" integer DEFAULT 50, before_id bigint DEFAULT NULL)
RETURNS SETOF chatter.messages
LANGUAGE plpgsql STABLE
SET search_path = ''
SET jit = off
AS $$
BEGIN
    IF "limit" IS NULL OR "limit" NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'limit must be between 1 and 1000, got %', coalesce("limit"::text, 'NULL')
            USING ERRCODE = 'CH005';
    END IF;
    PERFORM chatter.check_record_readable(model, document);
    RETURN QUERY
        SELECT r.* FROM chatter.messages AS m CROSS JOIN LATERAL chatter.tracking_read(m) AS r
         WHERE m.model = record_feed.model AND m.document = record_feed.document AND m.in_feed
           AND (record_feed.before_id IS NULL OR m.id < record_feed.before_id)
         ORDER BY m.id DESC
         LIMIT "limit";
END
$$;
COMMENT ON FUNCTION chatter.record_feed(text, bigint, integer, bigint) IS
    'A page of a record''s feed, newest first (CH003 unless readable); next page: before_id => smallest id seen';

COMMIT;
