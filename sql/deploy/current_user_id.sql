-- Deploy pgchatter:current_user_id to pg
-- requires: current_user_id@v0.9.0

BEGIN;

-- The acting user's rule, once, as PL/pgSQL code (issue 25), as chatter._wake_sql is the throttle's:
-- current_user_id, current_contact_id and _acting_as (acting_as) run it flat. Each was a chain of calls
-- with a SET clause (_acting_as -> current_user_id -> _user_id_setting, _active_contact), a GUC save and
-- restore each, and every chat post paid 0.15 M instructions of its 1.2 M to learn who acts (callgrind,
-- bench/chat_post_instructions.py). The code reads chatter.user_id into the variables `acting` (bigint)
-- and `contact` (bigint, the user's contact), which the function declares with `raw` (text):
--   unset ('' or NULL): both NULL; with `strict`, a caller bound by chatter_app's rules is refused (CH004),
--   the system (chatter._caller_is_system) acts as nobody;
--   not a number: CH005; not an existing, active user: CH004.
-- The same rules and messages as _user_id_setting, _active_contact and current_user_id of v0.9.0.
CREATE FUNCTION chatter._acting_user_sql(strict boolean) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
SELECT $code$
    raw := pg_catalog.current_setting('chatter.user_id', true);
    -- After SET LOCAL ends, the setting reads as '' rather than NULL: both mean "unset".
    IF raw IS NULL OR raw = '' THEN
        acting := NULL;
        contact := NULL;$code$
    || CASE WHEN strict THEN $code$
        IF NOT chatter._caller_is_system() THEN
            RAISE EXCEPTION 'no acting user: set chatter.user_id' USING ERRCODE = 'CH004',
                HINT = 'an application connection (chatter_app) acts for a user: SET LOCAL chatter.user_id = ''42''';
        END IF;$code$ ELSE '' END
    || $code$
    ELSE
        IF raw !~ '^[[:space:]]*[0-9]{1,18}[[:space:]]*$' THEN
            RAISE EXCEPTION 'chatter.user_id must be a user id, got %', pg_catalog.quote_literal(raw)
                USING ERRCODE = 'CH005';
        END IF;
        acting := raw::bigint;
        -- An unknown or deactivated user acts as nobody. (The row-level policy on chatter.users asks only
        -- whether a user id is set, so this lookup, run as the caller, does not recurse.)
        SELECT u.contact_id INTO contact FROM chatter.users AS u WHERE u.id = acting AND u.active;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'chatter.user_id % is not an active user', acting
                USING ERRCODE = 'CH004', HINT = 'set chatter.user_id to an existing, active user';
        END IF;
    END IF;$code$
$$;
COMMENT ON FUNCTION chatter._acting_user_sql(boolean) IS
    'PL/pgSQL code of the acting user''s rule (into acting and contact; strict: unset is CH004 but for the system): '
    'current_user_id, current_contact_id and _acting_as run it flat';
REVOKE EXECUTE ON FUNCTION chatter._acting_user_sql(boolean) FROM PUBLIC;
ALTER FUNCTION chatter._acting_user_sql(boolean) OWNER TO chatter_owner;

DO $do$
BEGIN
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION chatter.current_user_id() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $body$
DECLARE
    raw text;
    acting bigint;
    contact bigint;
BEGIN
    %s
    RETURN acting;
END
$body$
$fn$, chatter._acting_user_sql(true));
    -- Never CH004 for an unset user, so that a tracked write of a chatter_app connection without a user
    -- (the application's own table) is logged with no author instead of failing; an unknown user is CH004.
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION chatter.current_contact_id() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $body$
DECLARE
    raw text;
    acting bigint;
    contact bigint;
BEGIN
    %s
    RETURN contact;
END
$body$
$fn$, chatter._acting_user_sql(false));
END
$do$;

COMMIT;
