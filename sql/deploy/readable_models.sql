-- Deploy pgchatter:readable_models to pg
-- requires: readable_models@v0.3.0

BEGIN;

-- The one definition of "may read this record" (SPEC 2a): the caller's role may SELECT the model's table
-- and sees the row, through the table's own row-level security. SECURITY INVOKER on purpose: called from a
-- row-level policy or a SECURITY INVOKER function it runs as the querying role, so the application's
-- grants and policies (which read chatter.user_id) decide; a SECURITY DEFINER function could not ask this.
-- Every read path uses it through the row-level policies (record_rls_rows); every writer through
-- chatter._vouch (vouchers).
CREATE FUNCTION chatter.record_readable(model text, document bigint) RETURNS boolean
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
COMMENT ON FUNCTION chatter.record_readable(text, bigint) IS
    'May the current role read this record (registered model, SELECT on its table, row visible under its policies)?';

-- CH003 unless readable. The same answer for "not registered", "no such row" and "not yours".
CREATE OR REPLACE FUNCTION chatter.check_record_readable(model text, document bigint) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    IF NOT chatter.record_readable(model, document) THEN
        RAISE EXCEPTION '% #% not found', coalesce(model, 'NULL'), coalesce(document::text, 'NULL')
            USING ERRCODE = 'CH003';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter.check_record_readable(text, bigint) IS
    'CH003 unless the current role may read the record (chatter.record_readable)';

REVOKE EXECUTE ON FUNCTION chatter.record_readable(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.record_readable(text, bigint) TO chatter_app;

COMMIT;
