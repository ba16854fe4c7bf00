-- Deploy pgchatter:channels_shape to pg
-- requires: channels

BEGIN;

-- The two CHECKs of chatter.channels (channels_name_check, channels_dm_pair_check) as a row trigger that
-- fires only when a column they read is written. The executor compiles every CHECK of a table again for
-- each INSERT or UPDATE statement, whatever it changes: every chat post's UPDATE of last_message_at paid
-- for both, 94,000 of a post's 1.34 M instructions (callgrind, bench/chat_post_instructions.py, issue 25).
-- Same rules and the same error as the CHECKs (SQLSTATE 23514 naming the constraint; a NULL result
-- passes, as a CHECK lets it); the trigger fires always, replicas' session_replication_role included.
CREATE FUNCTION chatter._channel_shape() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF pg_catalog.btrim(NEW.name) = '' THEN
        RAISE EXCEPTION 'new row for relation "channels" violates check constraint "channels_name_check"'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'channels_name_check', TABLE = 'channels',
                  SCHEMA = 'chatter', DETAIL = 'a channel needs a name';
    END IF;
    -- A Direct channel belongs to one unordered pair of users, stored ordered (low < high); no other has one.
    IF (CASE WHEN NEW.kind = 'Direct' THEN NEW.dm_user_low < NEW.dm_user_high
             ELSE NEW.dm_user_low IS NULL AND NEW.dm_user_high IS NULL END) IS FALSE THEN
        RAISE EXCEPTION 'new row for relation "channels" violates check constraint "channels_dm_pair_check"'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'channels_dm_pair_check', TABLE = 'channels',
                  SCHEMA = 'chatter', DETAIL = 'a Direct channel has its user pair, low < high; other channels none';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._channel_shape() IS
    'Trigger: a channel has a name; a Direct channel its ordered user pair, no other channel one (were CHECKs)';
REVOKE EXECUTE ON FUNCTION chatter._channel_shape() FROM PUBLIC;
ALTER FUNCTION chatter._channel_shape() OWNER TO chatter_owner;

ALTER TABLE chatter.channels
    DROP CONSTRAINT channels_name_check,
    DROP CONSTRAINT channels_dm_pair_check;
CREATE TRIGGER channels_shape BEFORE INSERT OR UPDATE OF name, kind, dm_user_low, dm_user_high ON chatter.channels
    FOR EACH ROW EXECUTE FUNCTION chatter._channel_shape();
ALTER TABLE chatter.channels ENABLE ALWAYS TRIGGER channels_shape;

COMMIT;
