-- Deploy pgchatter:get_or_create_dm to pg
-- requires: channel_members

BEGIN;

-- One Direct channel per unordered pair, under any concurrency: a transaction-scoped advisory lock on the
-- pair serialises creators (a waiter sees the committed channel in its next statement, READ COMMITTED),
-- and the unique key channels_dm_pair_key backs it up. SECURITY DEFINER: writes channels and members.
CREATE FUNCTION chatter.get_or_create_dm(user_a bigint, user_b bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    acting bigint := chatter.current_user_id();
    low bigint := least(user_a, user_b);
    high bigint := greatest(user_a, user_b);
    dm bigint;
BEGIN
    IF user_a IS NULL OR user_b IS NULL THEN
        RAISE EXCEPTION 'a direct channel needs two users' USING ERRCODE = 'CH005';
    END IF;
    IF user_a = user_b THEN
        RAISE EXCEPTION 'a direct channel needs two different users, got % twice', user_a USING ERRCODE = 'CH005';
    END IF;
    IF acting IS NOT NULL AND acting NOT IN (user_a, user_b) THEN
        RAISE EXCEPTION 'user % cannot open a direct channel between % and %', acting, user_a, user_b
            USING ERRCODE = 'CH004';
    END IF;
    IF (SELECT count(*) FROM chatter.users AS u WHERE u.id IN (low, high)) <> 2 THEN
        RAISE EXCEPTION 'user % or % not found', user_a, user_b USING ERRCODE = 'CH003';
    END IF;

    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(pg_catalog.format('chatter.dm:%s:%s', low, high), 0));

    SELECT c.id INTO dm FROM chatter.channels AS c WHERE c.dm_user_low = low AND c.dm_user_high = high;
    IF dm IS NULL THEN
        INSERT INTO chatter.channels (name, kind, created_by, dm_user_low, dm_user_high)
        SELECT string_agg(k.name, ', ' ORDER BY u.id), 'Direct', coalesce(acting, user_a), low, high
          FROM chatter.users AS u JOIN chatter.contacts AS k ON k.id = u.contact_id
         WHERE u.id IN (low, high)
        ON CONFLICT ON CONSTRAINT channels_dm_pair_key DO NOTHING
        RETURNING id INTO dm;
        IF dm IS NULL THEN  -- created meanwhile by a session that did not take the lock
            SELECT c.id INTO dm FROM chatter.channels AS c WHERE c.dm_user_low = low AND c.dm_user_high = high;
        END IF;
    END IF;
    INSERT INTO chatter.channel_members (channel_id, user_id) VALUES (dm, low), (dm, high) ON CONFLICT DO NOTHING;
    RETURN dm;
END
$$;
COMMENT ON FUNCTION chatter.get_or_create_dm(bigint, bigint) IS
    'The Direct channel of two users, created on first use; exactly one per unordered pair, race-free';

REVOKE EXECUTE ON FUNCTION chatter.get_or_create_dm(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.get_or_create_dm(bigint, bigint) TO chatter_app;

COMMIT;
