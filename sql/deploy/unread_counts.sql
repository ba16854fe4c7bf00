-- Deploy pgchatter:unread_counts to pg
-- requires: unread_counts@v0.6.0

BEGIN;

-- The two unread counts without `plan_cache_mode = force_custom_plan` (which @v0.6.0 gave them with the
-- cap): their queries use the (channel_id, id) index whatever the cap's value, so a generic plan is as
-- good, and replanning them on every call took the common case (200 channels) from ~2-3 ms to 4.85 ms.
-- inbox_count keeps it: its plan does depend on the cap.

CREATE OR REPLACE FUNCTION chatter.unread_count(channel bigint, "user" bigint) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
DECLARE
    marker bigint;
    cap integer := chatter._count_cap();
BEGIN
    PERFORM chatter._acting_as("user");
    SELECT coalesce(m.last_read_message, 0) INTO marker
      FROM chatter.channel_members AS m WHERE m.channel_id = unread_count.channel AND m.user_id = "user";
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % is not a member of channel %', "user", coalesce(unread_count.channel::text, 'NULL')
            USING ERRCODE = 'CH004';
    END IF;
    RETURN (SELECT count(*) FROM (SELECT FROM chatter.messages AS x
                                   WHERE x.channel_id = unread_count.channel AND x.id > marker
                                   LIMIT cap) AS unread);
END
$$;
COMMENT ON FUNCTION chatter.unread_count(bigint, bigint) IS
    'Messages of a channel newer than the member''s read marker, up to chatter._count_cap() (100: "100 or more"); '
    'CH004 for non-members';

CREATE OR REPLACE FUNCTION chatter.unread_counts("user" bigint) RETURNS TABLE(channel_id bigint, unread bigint, is_muted boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
DECLARE
    cap integer := chatter._count_cap();
BEGIN
    PERFORM chatter._acting_as("user");
    RETURN QUERY
        SELECT m.channel_id,
               (SELECT count(*) FROM (SELECT FROM chatter.messages AS x
                                       WHERE x.channel_id = m.channel_id AND x.id > coalesce(m.last_read_message, 0)
                                       LIMIT cap) AS unread),
               m.is_muted
          FROM chatter.channel_members AS m
          JOIN chatter.channels AS c ON c.id = m.channel_id
         WHERE m.user_id = "user" AND NOT c.is_archived
         ORDER BY m.channel_id;
END
$$;
COMMENT ON FUNCTION chatter.unread_counts(bigint) IS
    'Unread count per channel of a user (archived channels left out), each up to chatter._count_cap() (100: '
    '"100 or more"), with the mute flag';

COMMIT;
