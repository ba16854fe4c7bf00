-- Deploy pgchatter:acting_as to pg
-- requires: acting_as@v0.9.0
-- requires: current_user_id

BEGIN;

-- Functions taking a "user" argument act for that user. When an application has set the acting user
-- (chatter.user_id), it may act only for itself: anything else is CH004 "wrong user". With no acting
-- user set (the system: migrations, jobs, the owner) any user may be named.
-- As in v0.9.0, but the acting user's rule runs flat (chatter._acting_user_sql, the code of
-- current_user_id) instead of a call of current_user_id and its two helpers (issue 25).
-- The whole check as PL/pgSQL code too, which channel_post runs flat (the function that posts the most).
CREATE FUNCTION chatter._acting_as_sql() RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
SELECT chatter._acting_user_sql(true) || $code$
    IF "user" IS NULL THEN
        RAISE EXCEPTION 'a user is required' USING ERRCODE = 'CH005';
    END IF;
    IF acting IS NOT NULL AND acting <> "user" THEN
        RAISE EXCEPTION 'user % cannot act for user %', acting, "user"
            USING ERRCODE = 'CH004', HINT = 'wrong user: chatter.user_id names someone else';
    END IF;$code$
$$;
COMMENT ON FUNCTION chatter._acting_as_sql() IS
    'PL/pgSQL code of _acting_as (the acting user''s rule, then "user" must be them unless the system acts); '
    'variables raw, acting, contact and the parameter "user"';
REVOKE EXECUTE ON FUNCTION chatter._acting_as_sql() FROM PUBLIC;
ALTER FUNCTION chatter._acting_as_sql() OWNER TO chatter_owner;

DO $do$
BEGIN
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION chatter._acting_as("user" bigint) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $body$
DECLARE
    raw text;
    acting bigint;
    contact bigint;
BEGIN
    %s
END
$body$
$fn$, chatter._acting_as_sql());
END
$do$;

COMMIT;
