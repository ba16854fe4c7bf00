-- Deploy pgchatter:current_user_id to pg
-- requires: users

BEGIN;

CREATE FUNCTION chatter.current_user_id() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    raw text := pg_catalog.current_setting('chatter.user_id', true);
BEGIN
    -- After SET LOCAL ends, the setting reads as '' rather than NULL: both mean "system".
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

CREATE FUNCTION chatter.current_contact_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT u.contact_id FROM chatter.users AS u WHERE u.id = chatter.current_user_id()
$$;
COMMENT ON FUNCTION chatter.current_contact_id() IS 'The contact of the acting user, the author of what they write';

REVOKE EXECUTE ON FUNCTION chatter.current_user_id() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.current_contact_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.current_user_id() TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.current_contact_id() TO chatter_app;

COMMIT;
