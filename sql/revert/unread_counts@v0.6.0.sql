-- Revert pgchatter:unread_counts from pg: the counts as of @v0.5.0 (exact, uncapped)

BEGIN;

CREATE OR REPLACE FUNCTION chatter.unread_count(channel bigint, "user" bigint) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    marker bigint;
BEGIN
    PERFORM chatter._acting_as("user");
    SELECT coalesce(m.last_read_message, 0) INTO marker
      FROM chatter.channel_members AS m WHERE m.channel_id = unread_count.channel AND m.user_id = "user";
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % is not a member of channel %', "user", coalesce(unread_count.channel::text, 'NULL')
            USING ERRCODE = 'CH004';
    END IF;
    RETURN (SELECT count(*) FROM chatter.messages AS x WHERE x.channel_id = unread_count.channel AND x.id > marker);
END
$$;
COMMENT ON FUNCTION chatter.unread_count(bigint, bigint) IS
    'Messages of a channel newer than the member''s read marker (CH004 for non-members)';

CREATE OR REPLACE FUNCTION chatter.unread_counts("user" bigint) RETURNS TABLE(channel_id bigint, unread bigint, is_muted boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._acting_as("user");
    RETURN QUERY
        SELECT m.channel_id,
               (SELECT count(*) FROM chatter.messages AS x
                 WHERE x.channel_id = m.channel_id AND x.id > coalesce(m.last_read_message, 0)),
               m.is_muted
          FROM chatter.channel_members AS m
          JOIN chatter.channels AS c ON c.id = m.channel_id
         WHERE m.user_id = "user" AND NOT c.is_archived
         ORDER BY m.channel_id;
END
$$;
COMMENT ON FUNCTION chatter.unread_counts(bigint) IS
    'Unread count per channel of a user (archived channels left out), with the mute flag';

-- As read_paths_no_jit left them.
ALTER FUNCTION chatter.unread_counts(bigint) SET jit = off;
ALTER FUNCTION chatter.unread_count(bigint, bigint) SET jit = off;
DROP FUNCTION chatter._count_cap();

COMMIT;
