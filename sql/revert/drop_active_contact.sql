-- Revert pgchatter:drop_active_contact from pg

-- The function as current_user_id@v0.9.0 made it: the @v0.9.0 versions of current_user_id and
-- _acting_as, which a further revert restores, call it.

BEGIN;

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
REVOKE EXECUTE ON FUNCTION chatter._active_contact(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._active_contact(bigint) TO chatter_app;

COMMIT;
