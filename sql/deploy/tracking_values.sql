-- Deploy pgchatter:tracking_values to pg
-- requires: messages
-- requires: limits

BEGIN;

-- Issue 23, SPEC §4 ("the tracking values may be stored typed"): building each Tracking message's JSON as
-- text and parsing it into jsonb was about a quarter of a bulk tracked UPDATE's instructions per row
-- (bench/tracking_storage.py, docs/benchmarks.md "Tracking"). The generated tracking functions now store
-- one typed entry per tracked column instead, and the readers render today's JSON from them.
CREATE TYPE chatter.tracking_value AS (
    field text,          -- the column
    label text,          -- its label when the change was made
    old_value json,      -- to_json of the value (numbers and booleans as JSON, the rest as strings)
    new_value json,
    old_display text,    -- the display text when the change was made (FK display name, Yes/No, enum label)
    new_display text
);
COMMENT ON TYPE chatter.tracking_value IS
    'One changed column of a Tracking message: field, label, old and new value (json), old and new display text';

-- One slot per tracked column of the table, in column order; a column that did not change is a NULL
-- slot (the generated code then builds every message's array with one fixed-size ARRAY[...], no
-- concatenation). Readers skip NULL slots.
ALTER TABLE chatter.messages ADD COLUMN tracking_values chatter.tracking_value[];
COMMENT ON COLUMN chatter.messages.tracking_values IS
    'Tracking messages written since issue 23: the changes, one slot per tracked column (NULL: unchanged); '
    'chatter.tracking_json renders them as the tracking column held before; tracking is then NULL';
COMMENT ON COLUMN chatter.messages.tracking IS
    'Tracking messages written before issue 23 (and key changes): [{field, label, old_value, new_value, '
    'old_display, new_display}]; read it through chatter.tracking_json(tracking, tracking_values)';

-- The one read-side renderer of a Tracking message's values: the stored jsonb when there is one (older
-- messages, key changes, rows already rendered by chatter.tracking_read), else the typed values as the
-- jsonb array the generated functions stored before: the same entries, keys and values, in column order.
-- PL/pgSQL: a message without typed values returns at the first IF, and the query's plan is kept.
CREATE FUNCTION chatter.tracking_json(tracking jsonb, tracking_values chatter.tracking_value[]) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
BEGIN
    IF tracking IS NOT NULL OR tracking_values IS NULL THEN
        RETURN tracking;
    END IF;
    RETURN (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                       'field', v.field, 'label', v.label, 'old_value', v.old_value, 'new_value', v.new_value,
                       'old_display', v.old_display, 'new_display', v.new_display) ORDER BY v.slot)
              FROM unnest(tracking_values) WITH ORDINALITY
                   AS v(field, label, old_value, new_value, old_display, new_display, slot)
             WHERE v.field IS NOT NULL);
END
$$;
COMMENT ON FUNCTION chatter.tracking_json(jsonb, chatter.tracking_value[]) IS
    'A Tracking message''s values as jsonb [{field, label, old_value, new_value, old_display, new_display}], from the typed values or the stored jsonb';

-- A message row as it reads: for the functions that return rows of chatter.messages (record_feed), whose
-- callers see the tracking column as it was stored before issue 23.
CREATE FUNCTION chatter.tracking_read(m chatter.messages) RETURNS chatter.messages
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
BEGIN
    IF m.tracking_values IS NOT NULL THEN
        m.tracking := chatter.tracking_json(m.tracking, m.tracking_values);
    END IF;
    RETURN m;
END
$$;
COMMENT ON FUNCTION chatter.tracking_read(chatter.messages) IS
    'A message row with its tracking column rendered from its typed values (chatter.tracking_json)';

-- Which storage a table's tracking function writes (chatter._track_install reads it): 'jsonb', the
-- default, keeps the tracking column that applications read directly; 'typed' costs about a quarter fewer
-- instructions per bulk row and leaves that column NULL (read through chatter.tracking_json).
ALTER TABLE chatter.models ADD COLUMN tracking_storage text NOT NULL DEFAULT 'jsonb'
    CONSTRAINT models_tracking_storage_check CHECK (tracking_storage IN ('jsonb', 'typed'));
COMMENT ON COLUMN chatter.models.tracking_storage IS
    'Where Tracking messages keep their values: jsonb (the tracking column) or typed (tracking_values; read through chatter.tracking_json)';

CREATE FUNCTION chatter.track_storage(tbl regclass, storage text) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF storage IS NULL OR storage NOT IN ('jsonb', 'typed') THEN
        RAISE EXCEPTION 'storage must be ''jsonb'' or ''typed'', got %', coalesce(pg_catalog.quote_literal(storage), 'NULL')
            USING ERRCODE = 'CH005';
    END IF;
    UPDATE chatter.models AS m SET tracking_storage = storage WHERE m."table" = tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not enabled', tbl USING ERRCODE = 'CH003';
    END IF;
    IF EXISTS (SELECT FROM chatter.models AS m WHERE m."table" = tbl AND m.track) THEN
        PERFORM chatter._track_install(tbl);
    END IF;
END
$$;
COMMENT ON FUNCTION chatter.track_storage(regclass, text) IS
    'Store a table''s tracking values as jsonb (default: the tracking column) or typed (tracking_values, fewer instructions per row)';
REVOKE EXECUTE ON FUNCTION chatter.track_storage(regclass, text) FROM PUBLIC;

REVOKE EXECUTE ON FUNCTION chatter.tracking_json(jsonb, chatter.tracking_value[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.tracking_read(chatter.messages) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.tracking_json(jsonb, chatter.tracking_value[]) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.tracking_read(chatter.messages) TO chatter_app;
ALTER TYPE chatter.tracking_value OWNER TO chatter_owner;
ALTER FUNCTION chatter.tracking_json(jsonb, chatter.tracking_value[]) OWNER TO chatter_owner;
ALTER FUNCTION chatter.tracking_read(chatter.messages) OWNER TO chatter_owner;

COMMIT;
