-- Deploy pgchatter:current_user_id to pg
-- requires: current_user_id@v0.3.0
-- requires: users_share

BEGIN;

-- The acting user fails closed (SPEC 2a). "The system" is a caller that is not bound by chatter_app's
-- rules: a role that is not a member of chatter_app, or a superuser / BYPASSRLS role (the owner,
-- migrations, the listener, the bridge's login role before it switches role). Everyone else is an
-- application connection and must name an existing, active user.
-- SECURITY DEFINER functions change current_user but not the role setting, so the caller is read from
-- the role setting (SET ROLE chatter_app) or, without one, from the session's login role.
CREATE FUNCTION chatter._caller_is_system() RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    caller name := coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user);
    bound boolean;
BEGIN
    SELECT pg_catalog.pg_has_role(r.oid, 'chatter_app', 'MEMBER') AND NOT (r.rolsuper OR r.rolbypassrls)
      INTO bound FROM pg_catalog.pg_roles AS r WHERE r.rolname = caller;
    RETURN NOT coalesce(bound, true);
END
$$;
COMMENT ON FUNCTION chatter._caller_is_system() IS
    'True unless the calling role is bound by chatter_app''s rules (a member of it, neither superuser nor BYPASSRLS)';

-- chatter.user_id as a number, NULL when unset; CH005 when it is not a number.
CREATE FUNCTION chatter._user_id_setting() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    raw text := pg_catalog.current_setting('chatter.user_id', true);
BEGIN
    -- After SET LOCAL ends, the setting reads as '' rather than NULL: both mean "unset".
    IF raw IS NULL OR raw = '' THEN
        RETURN NULL;
    END IF;
    IF raw !~ '^[[:space:]]*[0-9]{1,18}[[:space:]]*$' THEN
        RAISE EXCEPTION 'chatter.user_id must be a user id, got %', pg_catalog.quote_literal(raw)
            USING ERRCODE = 'CH005';
    END IF;
    RETURN raw::bigint;
END
$$;
COMMENT ON FUNCTION chatter._user_id_setting() IS 'chatter.user_id as bigint, NULL when unset (CH005 when malformed)';

-- The contact of an active user, or CH004: an unknown or deactivated user acts as nobody. (The row-level
-- policy on chatter.users asks only whether a user id is set, so this lookup, run as the caller, does
-- not recurse; SECURITY INVOKER keeps it cheap: it runs in every statement that asks who acts.)
CREATE FUNCTION chatter._active_contact(acting bigint) RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    contact bigint;
BEGIN
    SELECT u.contact_id INTO contact FROM chatter.users AS u WHERE u.id = acting AND u.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'chatter.user_id % is not an active user', acting
            USING ERRCODE = 'CH004', HINT = 'set chatter.user_id to an existing, active user';
    END IF;
    RETURN contact;
END
$$;
COMMENT ON FUNCTION chatter._active_contact(bigint) IS 'Contact of an active user; CH004 for an unknown or inactive one';

CREATE OR REPLACE FUNCTION chatter.current_user_id() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    acting bigint := chatter._user_id_setting();
BEGIN
    IF acting IS NULL THEN
        IF chatter._caller_is_system() THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'no acting user: set chatter.user_id' USING ERRCODE = 'CH004',
            HINT = 'an application connection (chatter_app) acts for a user: SET LOCAL chatter.user_id = ''42''';
    END IF;
    PERFORM chatter._active_contact(acting);
    RETURN acting;
END
$$;
COMMENT ON FUNCTION chatter.current_user_id() IS
    'The acting user (SET LOCAL chatter.user_id = ''42''); NULL = the system; CH004 for chatter_app without one, '
    'or for an unknown or inactive user';

-- Never CH004 for an unset user, so that a tracked write of a chatter_app connection without a user
-- (the application's own table) is logged with no author instead of failing; an unknown user is CH004.
CREATE OR REPLACE FUNCTION chatter.current_contact_id() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    acting bigint := chatter._user_id_setting();
BEGIN
    IF acting IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN chatter._active_contact(acting);
END
$$;
COMMENT ON FUNCTION chatter.current_contact_id() IS
    'The contact of the acting user, the author of what they write; NULL when no user is set';

-- Internal users see internal content (Notes, internal subtypes, activities); the system does too.
CREATE FUNCTION chatter._acting_internal() RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    acting bigint := chatter.current_user_id();
BEGIN
    RETURN acting IS NULL OR EXISTS (SELECT FROM chatter.users AS u WHERE u.id = acting AND NOT u.share);
END
$$;
COMMENT ON FUNCTION chatter._acting_internal() IS 'True for the system and internal users; false for share (portal) users';

REVOKE EXECUTE ON FUNCTION chatter._caller_is_system() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._user_id_setting() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._active_contact(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._acting_internal() FROM PUBLIC;
-- Called from row-level policies and SECURITY INVOKER functions that chatter_app runs; each reveals
-- only the caller's own state.
GRANT EXECUTE ON FUNCTION chatter._caller_is_system() TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._user_id_setting() TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._active_contact(bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._acting_internal() TO chatter_app;

COMMIT;
