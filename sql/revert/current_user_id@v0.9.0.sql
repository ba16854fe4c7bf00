-- Revert pgchatter:current_user_id from pg
-- Restores the v0.3.0 acting user, which reads a missing chatter.user_id as the system.

BEGIN;

-- current_user_id is unchanged. current_contact_id was a SQL function: one with a SET clause is never
-- inlined, and PostgreSQL parses and plans its query again in every transaction that calls it (about
-- 80 us, a quarter of a single-row tracked UPDATE). PL/pgSQL keeps the plan for the session.
CREATE OR REPLACE FUNCTION chatter.current_contact_id() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    acting bigint := chatter.current_user_id();
BEGIN
    IF acting IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT u.contact_id FROM chatter.users AS u WHERE u.id = acting);
END
$$;
COMMENT ON FUNCTION chatter.current_contact_id() IS 'The contact of the acting user, the author of what they write';

CREATE OR REPLACE FUNCTION chatter.current_user_id() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    raw text := pg_catalog.current_setting('chatter.user_id', true);
BEGIN
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
COMMENT ON FUNCTION chatter.current_user_id() IS
    'The acting user of this transaction (SET LOCAL chatter.user_id = ''42''); NULL means the system';

DROP FUNCTION chatter._acting_internal();
DROP FUNCTION chatter._active_contact(bigint);
DROP FUNCTION chatter._user_id_setting();
DROP FUNCTION chatter._caller_is_system();

COMMIT;
