-- Deploy pgchatter:enable to pg
-- requires: enable@v0.3.0
-- requires: owner_role, track_generate, readable_generate

BEGIN;

-- As in v0.3.0, and: the table is granted to chatter_owner (SELECT), which owns chatter's definer
-- functions; chatter.record_readable is regenerated for the registry as it now is (enable and disable).
-- Run them as the table's owner (a member of chatter_owner) or a superuser (docs/security.md).
CREATE OR REPLACE FUNCTION chatter.enable(
    tbl regclass,
    collaborate boolean DEFAULT true,
    track boolean DEFAULT true,
    contact_columns text[] DEFAULT '{}',
    model text DEFAULT NULL,
    label text DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    key name := chatter._integer_key(tbl);
    registered text;
    model_name text;
BEGIN
    IF (SELECT c.relnamespace FROM pg_catalog.pg_class AS c WHERE c.oid = tbl) = 'chatter'::regnamespace THEN
        RAISE EXCEPTION 'chatter''s own tables cannot be opted in' USING ERRCODE = 'CH005';
    END IF;
    PERFORM chatter._check_contact_columns(tbl, enable.contact_columns);
    IF enable.label IS NOT NULL AND NOT EXISTS (
        SELECT FROM pg_catalog.pg_attribute AS a
         WHERE a.attrelid = tbl AND a.attname = enable.label AND a.attnum > 0 AND NOT a.attisdropped
    ) THEN
        RAISE EXCEPTION 'label column % does not exist in %', pg_catalog.quote_ident(enable.label), tbl
            USING ERRCODE = 'CH005';
    END IF;

    SELECT m.model INTO registered FROM chatter.models AS m WHERE m."table" = tbl;
    model_name := coalesce(enable.model, registered, chatter._default_model_name(tbl));
    IF registered IS NOT NULL AND registered <> model_name THEN
        -- Messages point at the model by name: renaming it would orphan them.
        RAISE EXCEPTION '% is already enabled as model %', tbl, pg_catalog.quote_literal(registered)
            USING ERRCODE = 'CH005', HINT = 'disable it first to register it under another name';
    END IF;
    IF model_name !~ '^[A-Za-z_][A-Za-z0-9_.]*$' THEN
        RAISE EXCEPTION 'invalid model name %', pg_catalog.quote_literal(model_name) USING ERRCODE = 'CH005';
    END IF;
    IF EXISTS (SELECT FROM chatter.models AS m WHERE m.model = model_name AND m."table" <> tbl) THEN
        RAISE EXCEPTION 'model % already names another table', pg_catalog.quote_literal(model_name)
            USING ERRCODE = 'CH005';
    END IF;

    INSERT INTO chatter.models AS m (model, "table", key_column, collaborate, track, contact_columns, label)
    VALUES (model_name, tbl, key, enable.collaborate, enable.track,
            coalesce(enable.contact_columns, '{}'), enable.label)
    ON CONFLICT ("table") DO UPDATE
       SET key_column = EXCLUDED.key_column,
           collaborate = EXCLUDED.collaborate,
           track = EXCLUDED.track,
           contact_columns = EXCLUDED.contact_columns,
           label = EXCLUDED.label;

    -- chatter_owner, which runs chatter's definer functions, reads the table (contact columns, display names).
    PERFORM chatter._grant_to_owner(tbl, 'SELECT');
    IF enable.track THEN
        PERFORM chatter._track_install(tbl);
    ELSE
        PERFORM chatter._track_uninstall(tbl);
    END IF;
    PERFORM chatter._readable_install();
END
$$;
COMMENT ON FUNCTION chatter.enable(regclass, boolean, boolean, text[], text, text) IS
    'Opt a table into chatter (collaborate) and change tracking (track: installs the tracking triggers); calling again updates the settings';

CREATE OR REPLACE FUNCTION chatter.disable(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._track_uninstall(tbl);
    DELETE FROM chatter.models AS m WHERE m."table" = tbl;
    IF NOT FOUND THEN
        RAISE NOTICE '% was not enabled', tbl;
    END IF;
    PERFORM chatter._readable_install();
END
$$;

COMMIT;
