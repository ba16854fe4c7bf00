-- Deploy pgchatter:unread_counts to pg
-- requires: unread_counts@v0.5.0
-- requires: read_paths_no_jit

BEGIN;

-- Counters that stay cheap at any size (issue 26): a member who never read a busy channel (a bot feed, an
-- announcements channel) made every unread_counts call count its whole backlog (1,000,000 messages:
-- 812 ms, on every page load and bell update). Nobody needs the exact count of a million: like Slack and
-- Odoo, the counts stop at a cap, so a call costs at most the cap per channel, whatever the backlog.
-- chatter._count_cap() is the cap: 100 by default (the page shows "99+" from 100 on); the session setting
-- chatter.count_cap sets another, and 0 (or 'exact') asks for the exact count explicitly.
CREATE FUNCTION chatter._count_cap() RETURNS integer
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    setting text := nullif(btrim(pg_catalog.current_setting('chatter.count_cap', true)), '');
BEGIN
    IF setting IS NULL THEN
        RETURN 100;
    ELSIF lower(setting) IN ('0', 'exact', 'off') THEN
        RETURN NULL;                                    -- LIMIT NULL: no cap
    ELSIF setting !~ '^[0-9]{1,9}$' THEN
        RAISE EXCEPTION 'chatter.count_cap is %: a number of messages, or 0 for exact counts', quote_literal(setting)
            USING ERRCODE = 'CH005';
    END IF;
    RETURN setting::integer;
END
$$;
COMMENT ON FUNCTION chatter._count_cap() IS
    'Where unread and inbox counts stop: chatter.count_cap (default 100; 0 or ''exact'': no cap)';

CREATE OR REPLACE FUNCTION chatter.unread_count(channel bigint, "user" bigint) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
SET jit = off
SET plan_cache_mode = force_custom_plan   -- the cap is a LIMIT: planned with its value, never a generic guess
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
SET plan_cache_mode = force_custom_plan   -- the cap is a LIMIT: planned with its value, never a generic guess
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

ALTER FUNCTION chatter._count_cap() OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter._count_cap() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._count_cap() TO chatter_app;

COMMIT;
