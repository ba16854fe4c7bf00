-- Deploy pgchatter:record_feed to pg
-- requires: readable_models, messages_in_feed, channel_rls

BEGIN;

-- A page of a record's feed, newest first, by id cursor; runs as the caller so row-level security applies.
CREATE FUNCTION chatter.record_feed(model text, document bigint, "limit" integer DEFAULT 50, before_id bigint DEFAULT NULL)
RETURNS SETOF chatter.messages
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    IF "limit" IS NULL OR "limit" NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'limit must be between 1 and 1000, got %', coalesce("limit"::text, 'NULL')
            USING ERRCODE = 'CH005';
    END IF;
    PERFORM chatter.check_record_readable(model, document);
    RETURN QUERY
        SELECT m.* FROM chatter.messages AS m
         WHERE m.model = record_feed.model AND m.document = record_feed.document AND m.in_feed
           AND (record_feed.before_id IS NULL OR m.id < record_feed.before_id)
         ORDER BY m.id DESC
         LIMIT "limit";
END
$$;
COMMENT ON FUNCTION chatter.record_feed(text, bigint, integer, bigint) IS
    'A page of a record''s feed, newest first (CH003 unless readable); next page: before_id => smallest id seen';

REVOKE EXECUTE ON FUNCTION chatter.record_feed(text, bigint, integer, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.record_feed(text, bigint, integer, bigint) TO chatter_app;

COMMIT;
