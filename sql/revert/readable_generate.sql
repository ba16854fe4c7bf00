-- Revert pgchatter:readable_generate from pg
-- Restores the record_readable that asks with EXECUTE.

BEGIN;

CREATE OR REPLACE FUNCTION chatter.record_readable(model text, document bigint) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    m chatter.models;
    present boolean;
BEGIN
    SELECT r.* INTO m FROM chatter.models AS r WHERE r.model = record_readable.model;
    IF NOT FOUND OR document IS NULL OR NOT pg_catalog.has_table_privilege(m."table", 'SELECT') THEN
        RETURN false;
    END IF;
    EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %s WHERE %I = $1)', m."table", m.key_column)
       INTO present USING document;
    RETURN present;
END
$$;

DROP FUNCTION chatter._readable_install();

COMMIT;
