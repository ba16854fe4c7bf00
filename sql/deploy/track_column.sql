-- Deploy pgchatter:track_column to pg
-- requires: track_generate

BEGIN;

CREATE FUNCTION chatter.track_column(tbl regclass, col name, track boolean) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    c record;
BEGIN
    SELECT * INTO c FROM chatter._tracked_columns(tbl) AS tc WHERE tc."column" = col;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'column % does not exist in %', pg_catalog.quote_ident(col), tbl USING ERRCODE = 'CH005';
    END IF;
    IF c.reason LIKE 'generated column%' OR c.reason LIKE 'primary key%' THEN
        RAISE EXCEPTION 'column % of % cannot be switched: %', pg_catalog.quote_ident(col), tbl, c.reason
            USING ERRCODE = 'CH005';
    END IF;
    IF track IS NULL THEN
        RAISE EXCEPTION 'track must be true or false' USING ERRCODE = 'CH005';
    END IF;
    INSERT INTO chatter.tracked_column_overrides AS o (tbl, attnum, track)
    VALUES (track_column.tbl, c.attnum, track_column.track)
    ON CONFLICT ON CONSTRAINT tracked_column_overrides_pkey DO UPDATE SET track = EXCLUDED.track;
    IF EXISTS (SELECT FROM chatter.models AS m WHERE m."table" = tbl AND m.track) THEN
        PERFORM chatter._track_install(tbl);
    END IF;
END
$$;
COMMENT ON FUNCTION chatter.track_column(regclass, name, boolean) IS
    'Switch tracking of one column on or off, overriding the default for its type (Odoo field tracking=...)';

REVOKE EXECUTE ON FUNCTION chatter.track_column(regclass, name, boolean) FROM PUBLIC;

COMMIT;
