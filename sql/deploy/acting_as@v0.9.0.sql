-- Deploy pgchatter:acting_as to pg
-- requires: current_user_id

BEGIN;

-- Functions taking a "user" argument act for that user. When an application has set the acting user
-- (chatter.user_id), it may act only for itself: anything else is CH004 "wrong user". With no acting
-- user set (the system: migrations, jobs, the owner) any user may be named.
CREATE FUNCTION chatter._acting_as("user" bigint) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    acting bigint := chatter.current_user_id();
BEGIN
    IF "user" IS NULL THEN
        RAISE EXCEPTION 'a user is required' USING ERRCODE = 'CH005';
    END IF;
    IF acting IS NOT NULL AND acting <> "user" THEN
        RAISE EXCEPTION 'user % cannot act for user %', acting, "user"
            USING ERRCODE = 'CH004', HINT = 'wrong user: chatter.user_id names someone else';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._acting_as(bigint) IS
    'CH004 (wrong user) unless no acting user is set or it is the given user; CH005 for a NULL user';

REVOKE EXECUTE ON FUNCTION chatter._acting_as(bigint) FROM PUBLIC;
-- Called by SECURITY INVOKER functions that chatter_app runs.
GRANT EXECUTE ON FUNCTION chatter._acting_as(bigint) TO chatter_app;

COMMIT;
