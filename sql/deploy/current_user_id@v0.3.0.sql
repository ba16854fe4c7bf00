-- Deploy pgchatter:current_user_id to pg
-- requires: current_user_id@v0.2.0

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

COMMIT;
