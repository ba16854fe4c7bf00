-- Deploy pgchatter:enable to pg
-- requires: models, contacts

BEGIN;

-- The table's single-column integer primary key, or CH005.
CREATE FUNCTION chatter._integer_key(tbl regclass) RETURNS name
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    key_columns name[];
    key_type regtype;
BEGIN
    IF (SELECT c.relkind FROM pg_catalog.pg_class AS c WHERE c.oid = tbl) NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '% is not a table', tbl USING ERRCODE = 'CH005';
    END IF;
    SELECT pg_catalog.array_agg(a.attname), pg_catalog.min(a.atttypid::regtype::text)::regtype
      INTO key_columns, key_type
      FROM pg_catalog.pg_index AS i
      JOIN pg_catalog.pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = tbl AND i.indisprimary;
    IF key_columns IS NULL OR pg_catalog.cardinality(key_columns) <> 1
       OR key_type NOT IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
        RAISE EXCEPTION '% needs a single-column integer primary key', tbl
            USING ERRCODE = 'CH005',
                  DETAIL = pg_catalog.format('primary key: %s', coalesce(key_columns::text, 'none'));
    END IF;
    RETURN key_columns[1];
END
$$;
COMMENT ON FUNCTION chatter._integer_key(regclass) IS 'Primary key column of an opted-in table; CH005 unless one integer column';

-- public.sale_orders -> 'sale_orders'; sales.orders -> 'sales.orders'.
CREATE FUNCTION chatter._default_model_name(tbl regclass) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT CASE WHEN n.nspname = 'public' THEN c.relname::text ELSE n.nspname || '.' || c.relname END
      FROM pg_catalog.pg_class AS c
      JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
     WHERE c.oid = tbl
$$;
COMMENT ON FUNCTION chatter._default_model_name(regclass) IS 'Model name of a table: its name, schema-qualified outside public';

-- Each contact column is an integer FK to chatter.contacts or a text column holding an email; else CH005.
CREATE FUNCTION chatter._check_contact_columns(tbl regclass, columns text[]) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    col text;
    att record;
BEGIN
    FOREACH col IN ARRAY coalesce(columns, '{}') LOOP
        SELECT a.attnum, a.atttypid, t.typcategory
          INTO att
          FROM pg_catalog.pg_attribute AS a
          JOIN pg_catalog.pg_type AS t ON t.oid = a.atttypid
         WHERE a.attrelid = tbl AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'contact column % does not exist in %', pg_catalog.quote_ident(col), tbl
                USING ERRCODE = 'CH005';
        END IF;
        IF att.atttypid IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
            IF NOT EXISTS (
                SELECT FROM pg_catalog.pg_constraint AS k
                 WHERE k.conrelid = tbl AND k.contype = 'f' AND k.conkey = ARRAY[att.attnum]
                   AND k.confrelid = 'chatter.contacts'::regclass
            ) THEN
                RAISE EXCEPTION 'contact column % of % is not a foreign key to chatter.contacts',
                    pg_catalog.quote_ident(col), tbl USING ERRCODE = 'CH005';
            END IF;
        ELSIF att.typcategory <> 'S' THEN
            RAISE EXCEPTION 'contact column % of % must reference chatter.contacts or hold an email, not %',
                pg_catalog.quote_ident(col), tbl, att.atttypid::regtype USING ERRCODE = 'CH005';
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION chatter._check_contact_columns(regclass, text[]) IS 'Validates enable(contact_columns => ...)';

CREATE FUNCTION chatter.enable(
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
END
$$;
COMMENT ON FUNCTION chatter.enable(regclass, boolean, boolean, text[], text, text) IS
    'Opt a table into chatter (collaborate) and change tracking (track); calling again updates the settings';

CREATE FUNCTION chatter.disable(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    DELETE FROM chatter.models AS m WHERE m."table" = tbl;
    IF NOT FOUND THEN
        RAISE NOTICE '% was not enabled', tbl;
    END IF;
END
$$;
COMMENT ON FUNCTION chatter.disable(regclass) IS 'Opt a table out; its messages stay';

-- Opting tables in is for their owners (migrations), not for application users.
REVOKE EXECUTE ON FUNCTION chatter._integer_key(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._default_model_name(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._check_contact_columns(regclass, text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.enable(regclass, boolean, boolean, text[], text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.disable(regclass) FROM PUBLIC;

COMMIT;
