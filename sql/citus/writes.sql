-- Writes whose one-node rule is a trigger on a distributed table, done from the coordinator on Citus
-- (docs/scaling.md change 7). Run after distribute.sql, functions.sql and reads.sql, as the superuser on
-- the coordinator. Nothing here is part of the Sqitch plan: a single-node deployment never runs it.
--
-- On one node, moving a read marker reads the conversation's notifications (channel_members_marker_reads)
-- and reading a chat notification cancels its waiting delayed email and schedules the next one
-- (notifications_chat_email_cancel). Both triggers run on the shards on Citus, where they cannot read the
-- other distributed tables nor the outbox (a Citus-local table of the coordinator): the first was disabled
-- by functions.sql, the second is disabled here, and the writers that read notifications (mark_read,
-- channel_post, mark_notifications_read) do what both triggers did, from the coordinator, by
-- chatter._citus_read_notifications. Same effect, same rows.
\set ON_ERROR_STOP 1
BEGIN;
-- Propagated: the trigger is the shards' (with propagation off only the coordinator's shell table changes).
ALTER TABLE chatter.notifications DISABLE TRIGGER notifications_chat_email_cancel;
SET LOCAL citus.enable_ddl_propagation = off;   -- the functions: the coordinator's only

-- A user's notifications read: those of the given messages and those with the given ids, unread ones only.
-- Then what notifications_chat_email_cancel did per row: a pending delayed email of a notification read
-- now is deleted (email_status back to 'none') and its conversation's next unread message gets its own
-- (chatter._schedule_chat_email, once per conversation). Returns how many were marked read. Every query is
-- on one table (the notifications first read, then written by their message ids, the shards' key), as
-- channel_post's read-then-UPDATE was (a multi-shard UPDATE locks every shard against concurrent writes).
CREATE FUNCTION chatter._citus_read_notifications(who bigint, messages bigint[], ids bigint[]) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
-- Its UPDATE of notifications on several shards, then _schedule_chat_email's join of them with
-- channel_members, in one transaction: Citus refuses the join after a parallel multi-shard modification
-- ("… multi_shard_modify_mode TO 'sequential'"); sequential from the start, it plans it.
SET citus.multi_shard_modify_mode = 'sequential'
AS $$
DECLARE
    unread_ids bigint[];
    unread_messages bigint[];
    pending_ids bigint[];
    pending_messages bigint[];
    cancelled bigint[];
    ch bigint;
BEGIN
    IF who IS NULL OR (coalesce(messages, '{}') = '{}' AND coalesce(ids, '{}') = '{}') THEN
        RETURN 0;
    END IF;
    SELECT coalesce(array_agg(n.id), '{}'), coalesce(array_agg(n.message_id), '{}'),
           coalesce(array_agg(n.id) FILTER (WHERE n.email_status = 'pending'), '{}'),
           coalesce(array_agg(n.message_id) FILTER (WHERE n.email_status = 'pending'), '{}')
      INTO unread_ids, unread_messages, pending_ids, pending_messages
      FROM chatter.notifications AS n
     WHERE n.user_id = who AND NOT n.is_read
       AND (n.message_id = ANY (coalesce(messages, '{}')) OR n.id = ANY (coalesce(ids, '{}')));
    IF unread_ids = '{}' THEN
        RETURN 0;
    END IF;
    UPDATE chatter.notifications AS n SET is_read = true, read_at = now()
     WHERE n.message_id = ANY (unread_messages) AND n.id = ANY (unread_ids) AND NOT n.is_read;
    IF pending_ids <> '{}' THEN
        SELECT coalesce(array_agg(o.notification_id), '{}') INTO cancelled FROM chatter.outbox AS o
         WHERE o.notification_id = ANY (pending_ids) AND o.kind = 'email' AND o.status = 'pending';
        IF cancelled <> '{}' THEN
            DELETE FROM chatter.outbox AS o
             WHERE o.notification_id = ANY (cancelled) AND o.kind = 'email' AND o.status = 'pending';
            UPDATE chatter.notifications AS n SET email_status = 'none'
             WHERE n.message_id = ANY (pending_messages) AND n.id = ANY (cancelled);
        END IF;
        -- The conversations (chat messages only: a record's message has no delayed email).
        FOR ch IN SELECT DISTINCT m.channel_id FROM chatter.messages AS m
                   WHERE m.id = ANY (pending_messages) AND m.channel_id IS NOT NULL LOOP
            PERFORM chatter._schedule_chat_email(who, ch);
        END LOOP;
    END IF;
    RETURN cardinality(unread_ids);
END
$$;
ALTER FUNCTION chatter._citus_read_notifications(bigint, bigint[], bigint[]) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter._citus_read_notifications(bigint, bigint[], bigint[]) FROM PUBLIC;

-- What channel_members_marker_reads did after a read marker moved: the member's notifications of the
-- conversation up to the marker are read (the unread ones found by a read of notifications joined with
-- messages, co-located by message id).
CREATE FUNCTION chatter._citus_marker_reads("user" bigint, channel bigint, upto bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
    unread bigint[];
BEGIN
    SELECT coalesce(array_agg(n.message_id), '{}') INTO unread FROM chatter.notifications AS n
      JOIN chatter.messages AS m ON m.id = n.message_id
     WHERE n.user_id = _citus_marker_reads."user" AND NOT n.is_read
       AND m.channel_id = _citus_marker_reads.channel AND m.id <= upto;
    PERFORM chatter._citus_read_notifications("user", unread, NULL);
END
$$;
ALTER FUNCTION chatter._citus_marker_reads(bigint, bigint, bigint) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter._citus_marker_reads(bigint, bigint, bigint) FROM PUBLIC;

-- mark_read as deployed, then what the marker trigger did. Its EXISTS subqueries select 1, as functions.sql's
-- last patch makes every function's (Citus 13.2.2 fails on a zero-column subquery it plans on its own).
CREATE OR REPLACE FUNCTION chatter.mark_read(channel bigint, "user" bigint, message bigint DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    target bigint := mark_read.message;
BEGIN
    PERFORM chatter._acting_as("user");
    IF NOT EXISTS (SELECT 1 FROM chatter.channel_members AS m
                    WHERE m.channel_id = mark_read.channel AND m.user_id = "user") THEN
        RAISE EXCEPTION 'user % is not a member of channel %', "user", coalesce(mark_read.channel::text, 'NULL')
            USING ERRCODE = 'CH004';
    END IF;
    IF target IS NULL THEN
        SELECT max(x.id) INTO target FROM chatter.messages AS x WHERE x.channel_id = mark_read.channel;
        IF target IS NULL THEN
            RETURN;  -- an empty channel: nothing to read
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM chatter.messages AS x WHERE x.id = target AND x.channel_id = mark_read.channel) THEN
        RAISE EXCEPTION 'message % is not in channel %', target, mark_read.channel USING ERRCODE = 'CH005';
    END IF;
    UPDATE chatter.channel_members AS m
       SET last_read_message = greatest(m.last_read_message, target)
     WHERE m.channel_id = mark_read.channel AND m.user_id = "user";
    PERFORM chatter._citus_marker_reads("user", mark_read.channel, target);
END
$$;

-- mark_notifications_read: the same rows read, through _citus_read_notifications (the email cancelled).
CREATE OR REPLACE FUNCTION chatter.mark_notifications_read(notifications bigint[] DEFAULT NULL, "user" bigint DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    who bigint := coalesce("user", chatter.current_user_id());
    unread bigint[];
BEGIN
    PERFORM chatter._acting_as(who);
    SELECT coalesce(array_agg(n.id), '{}') INTO unread FROM chatter.notifications AS n
     WHERE n.user_id = who AND NOT n.is_read
       AND (mark_notifications_read.notifications IS NULL OR n.id = ANY (mark_notifications_read.notifications));
    RETURN chatter._citus_read_notifications(who, NULL, unread);
END
$$;

-- channel_post (functions.sql's): its own conversation's notifications read through the same function, so
-- that a pending delayed email of them is cancelled too. Patched in place: the rest stays functions.sql's.
DO $$
DECLARE
    def text := pg_get_functiondef('chatter.channel_post(bigint,bigint,text)'::regprocedure);
    old_update text := E'    IF unread <> ''{}'' THEN\n'
                    || E'        UPDATE chatter.notifications AS n SET is_read = true, read_at = now()\n'
                    || E'         WHERE n.message_id = ANY (unread) AND n.user_id = "user" AND NOT n.is_read;\n'
                    || E'    END IF;\n';
BEGIN
    IF position(old_update IN def) = 0 THEN
        RAISE EXCEPTION 'channel_post is not as this patch knows it';
    END IF;
    EXECUTE replace(def, old_update, E'    PERFORM chatter._citus_read_notifications("user", unread, NULL);\n');
END $$;

COMMIT;
