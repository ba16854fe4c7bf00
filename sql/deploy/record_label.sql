-- Deploy pgchatter:record_label to pg
-- requires: record_lookup, track_columns

BEGIN;

-- What a person calls a record: its display column (registered label, name, display_name), else
-- "model #id". Used as the subject of an email without one.
CREATE FUNCTION chatter.record_label(model text, document bigint) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    m chatter.models;
    col name;
    label text;
BEGIN
    IF model IS NULL OR document IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT r.* INTO m FROM chatter.models AS r WHERE r.model = record_label.model;
    IF FOUND THEN
        col := chatter._display_column(m."table");
        IF col IS NOT NULL THEN
            EXECUTE pg_catalog.format('SELECT %I::text FROM %s WHERE %I = $1', col, m."table", m.key_column)
               INTO label USING document;
        END IF;
    END IF;
    RETURN coalesce(nullif(btrim(label), ''), model || ' #' || document);
END
$$;
COMMENT ON FUNCTION chatter.record_label(text, bigint) IS
    'Display name of a record (label column, name or display_name), else "model #id"';

REVOKE EXECUTE ON FUNCTION chatter.record_label(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.record_label(text, bigint) TO chatter_app;

COMMIT;
