-- Deploy pgchatter:activity_cancel to pg
-- requires: activities

BEGIN;

CREATE FUNCTION chatter.activity_cancel(activity bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
    DELETE FROM chatter.activities AS a WHERE a.id = activity_cancel.activity;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'activity % not found', coalesce(activity_cancel.activity::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter.activity_cancel(bigint) IS 'Cancel an activity: it is deleted (CH003 when there is none)';

REVOKE EXECUTE ON FUNCTION chatter.activity_cancel(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.activity_cancel(bigint) TO chatter_app;

COMMIT;
