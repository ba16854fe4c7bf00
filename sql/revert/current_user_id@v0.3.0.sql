-- Revert pgchatter:current_user_id from pg

BEGIN;

CREATE OR REPLACE FUNCTION chatter.current_contact_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT u.contact_id FROM chatter.users AS u WHERE u.id = chatter.current_user_id()
$$;
COMMENT ON FUNCTION chatter.current_contact_id() IS 'The contact of the acting user, the author of what they write';

COMMIT;
