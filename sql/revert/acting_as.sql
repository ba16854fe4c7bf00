-- Revert pgchatter:acting_as from pg: back to its @v0.9.0 definition (a call of current_user_id)

BEGIN;

CREATE OR REPLACE FUNCTION chatter._acting_as("user" bigint) RETURNS void
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

DROP FUNCTION chatter._acting_as_sql();

COMMIT;
