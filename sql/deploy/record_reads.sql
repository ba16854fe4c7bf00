-- Deploy pgchatter:record_reads to pg
-- requires: readable_models, record_rls_rows, activity_overview

BEGIN;

-- A page size of the read functions: CH005 outside 1..1000 (record_feed and channel_history say the same).
CREATE FUNCTION chatter._check_limit("limit" integer) RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = ''
AS $$
BEGIN
    IF "limit" IS NULL OR "limit" NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'limit must be between 1 and 1000, got %', coalesce("limit"::text, 'NULL')
            USING ERRCODE = 'CH005';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._check_limit(integer) IS 'CH005 unless a page size is between 1 and 1000';

-- A record's files and open activities, like record_feed and record_followers: CH003 unless the caller
-- may read the record (a missing record and a hidden one answer alike), then what row-level security shows.
CREATE FUNCTION chatter.record_attachments(model text, document bigint, "limit" integer DEFAULT 100)
RETURNS SETOF chatter.attachments
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._check_limit("limit");
    PERFORM chatter.check_record_readable(model, document);
    RETURN QUERY
        SELECT a.* FROM chatter.attachments AS a
         WHERE a.model = record_attachments.model AND a.document = record_attachments.document
         ORDER BY a.id DESC
         LIMIT "limit";
END
$$;
COMMENT ON FUNCTION chatter.record_attachments(text, bigint, integer) IS
    'A record''s files, newest first (CH003 unless the record is readable)';

CREATE FUNCTION chatter.record_activities(model text, record bigint, "limit" integer DEFAULT 100)
RETURNS SETOF chatter.activity_overview
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._check_limit("limit");
    PERFORM chatter.check_record_readable(model, record);
    RETURN QUERY
        SELECT o.* FROM chatter.activity_overview AS o
         WHERE o.model = record_activities.model AND o.record = record_activities.record
         ORDER BY o.deadline, o.activity
         LIMIT "limit";
END
$$;
COMMENT ON FUNCTION chatter.record_activities(text, bigint, integer) IS
    'A record''s open activities by deadline (CH003 unless the record is readable)';

REVOKE EXECUTE ON FUNCTION chatter._check_limit(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._check_limit(integer) TO chatter_app;
REVOKE EXECUTE ON FUNCTION chatter.record_attachments(text, bigint, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.record_activities(text, bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.record_attachments(text, bigint, integer) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.record_activities(text, bigint, integer) TO chatter_app;
-- record_label (granted since v0.3.0) runs as the caller and needs it: a catalog lookup of which column
-- names a table's rows, nothing a role cannot already read from pg_attribute.
GRANT EXECUTE ON FUNCTION chatter._display_column(regclass) TO chatter_app;

COMMIT;
