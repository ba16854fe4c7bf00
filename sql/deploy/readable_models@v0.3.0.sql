-- Deploy pgchatter:readable_models to pg
-- requires: models, roles

BEGIN;

-- A record feed is readable when the role may SELECT the model's table: applications grant chatter_app
-- (or a role that is a member of it) SELECT on the tables whose chatter users may read. The role is an
-- argument for SECURITY DEFINER code that decides on its caller's behalf (chatter._check_attachable).
CREATE FUNCTION chatter._models_readable_by(role name) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT m.model FROM chatter.models AS m WHERE pg_catalog.has_table_privilege(role, m."table", 'SELECT')
$$;
COMMENT ON FUNCTION chatter._models_readable_by(name) IS 'Models whose table role may SELECT';

-- SECURITY INVOKER on purpose: inside a row-level policy current_user is the querying role.
CREATE FUNCTION chatter.readable_models() RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT chatter._models_readable_by(current_user)
$$;
COMMENT ON FUNCTION chatter.readable_models() IS
    'Models whose table the current role may SELECT: their record feeds, followers and attachments are readable';

-- CH003 unless the model is readable and the record exists and is visible to the current role (the
-- table's own row-level security applies: the lookup runs as the caller).
CREATE FUNCTION chatter.check_record_readable(model text, document bigint) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    m chatter.models;
    present boolean;
BEGIN
    SELECT r.* INTO m FROM chatter.models AS r
     WHERE r.model = check_record_readable.model AND r.model IN (SELECT chatter.readable_models());
    IF NOT FOUND THEN
        -- The same answer for "not registered" and "not yours": nothing leaks about other models.
        RAISE EXCEPTION 'model % is not registered', pg_catalog.quote_literal(coalesce(model, 'NULL'))
            USING ERRCODE = 'CH003';
    END IF;
    EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %s WHERE %I = $1)', m."table", m.key_column)
       INTO present USING document;
    IF NOT present THEN
        RAISE EXCEPTION '% #% not found', m.model, coalesce(document::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter.check_record_readable(text, bigint) IS
    'CH003 unless the current role may read the model''s table and sees the record';

REVOKE EXECUTE ON FUNCTION chatter._models_readable_by(name) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.readable_models() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.check_record_readable(text, bigint) FROM PUBLIC;
-- has_table_privilege(role, ...) is open to PUBLIC: this grant reveals nothing new.
GRANT EXECUTE ON FUNCTION chatter._models_readable_by(name) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.readable_models() TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.check_record_readable(text, bigint) TO chatter_app;

COMMIT;
