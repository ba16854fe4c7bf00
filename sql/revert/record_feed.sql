-- Revert pgchatter:record_feed from pg (to its first version: rows as stored)

BEGIN;

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
        SELECT m.* FROM chatter.messages AS m
         WHERE m.model = record_feed.model AND m.document = record_feed.document AND m.in_feed
           AND (record_feed.before_id IS NULL OR m.id < record_feed.before_id)
         ORDER BY m.id DESC
         LIMIT "limit";
END
$$;

COMMIT;
