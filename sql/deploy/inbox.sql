-- Deploy pgchatter:inbox to pg
-- requires: inbox@v0.5.0
-- requires: unread_counts

BEGIN;

-- The bell's badge counts like the unread counts: up to chatter._count_cap() (100, the page shows "99+"),
-- so a user with a million unread notifications costs what one with a hundred does.
CREATE OR REPLACE FUNCTION chatter.inbox_count("user" bigint DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql STABLE
SECURITY INVOKER
SET search_path = ''
SET jit = off
SET plan_cache_mode = force_custom_plan   -- the cap is a LIMIT: planned with its value, never a generic guess
AS $$
DECLARE
    who bigint := coalesce("user", chatter.current_user_id());
    cap integer := chatter._count_cap();
    memory text := pg_catalog.current_setting('work_mem');
    counted bigint;
BEGIN
    PERFORM chatter._acting_as(who);
    IF cap IS NULL THEN   -- the exact count, asked for
        RETURN (SELECT count(*) FROM chatter.notifications AS n WHERE n.user_id = who AND NOT n.is_read);
    END IF;
    -- The notifications policy asks whether each message is still readable (EXISTS over chatter.messages
    -- under its own policies). With room in work_mem PostgreSQL answers that by hashing every readable
    -- message first, which costs the whole history; with the minimum it looks up only the messages the cap
    -- lets through. For this one statement.
    PERFORM pg_catalog.set_config('work_mem', '64kB', true);
    counted := (SELECT count(*) FROM (SELECT FROM chatter.notifications AS n WHERE n.user_id = who AND NOT n.is_read
                                       LIMIT cap) AS unread);
    PERFORM pg_catalog.set_config('work_mem', memory, true);
    RETURN counted;
END
$$;
COMMENT ON FUNCTION chatter.inbox_count(bigint) IS
    'Unread notifications of the acting user (the bell), up to chatter._count_cap() (100: "100 or more")';

COMMIT;
