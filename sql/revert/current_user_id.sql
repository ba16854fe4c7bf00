-- Revert pgchatter:current_user_id from pg: current_user_id and current_contact_id back to their @v0.9.0
-- definitions (calling _user_id_setting and _active_contact), the template gone

BEGIN;

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

DROP FUNCTION chatter._acting_user_sql(boolean);

COMMIT;
