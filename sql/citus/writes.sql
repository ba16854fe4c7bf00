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
-- chatter._citus_read_notifications. Same effect, same rows. Reactions (react, unreact, delete_message's
-- removal of a message's reactions): their row trigger records the change in message_events, a table of the
-- coordinator, and is disabled; the writers do it from the coordinator (below). Stars (star, unstar, the
-- starred view): written and read through the same proof and staging, as the caller (below).
\set ON_ERROR_STOP 1
BEGIN;
-- Propagated: the trigger is the shards' (with propagation off only the coordinator's shell table changes).
ALTER TABLE chatter.notifications DISABLE TRIGGER notifications_chat_email_cancel;
-- The reactions' row trigger (reactions below): propagated too.
ALTER TABLE chatter.reactions DISABLE TRIGGER reactions_changed;
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

-- Reactions (SPEC §5: react, unreact, message_reactions). On one node react and unreact are SECURITY INVOKER:
-- chatter_app writes chatter.reactions under its policies (reactions_add: one's own contact, on a readable live
-- message; reactions_remove: one's own reaction), and the row trigger reactions_changed (_reactions_changed,
-- SECURITY DEFINER) checks the emoji against chatter.limits emoji_chars and records the change for the relay
-- (_message_changed: a message_events row and the bridges' throttled wake-up). On Citus neither works: the
-- trigger runs on the shard, on a worker, where message_events (a plain table of the coordinator) does not
-- exist ("relation chatter.message_events does not exist": no reaction could be written, even by the
-- superuser), and chatter_app's INSERT meets its policy on the shard, where _citus_message_live may not query
-- messages (class C). The trigger is disabled above; the writers do its work from the coordinator.
--
-- The write itself is done by a SECURITY DEFINER part (chatter_citus.react, chatter_citus.unreact). The rule
-- that a message is readable is the messages policies, which only the caller can evaluate (as itself, on the
-- staged copy): react and message_reactions establish it in the caller's own context by writing a row of
-- chatter_citus.readable, which its policy admits only when the message, staged in this transaction, reads
-- back under the messages policies. The definer parts act only on a message the caller proved readable in
-- its transaction: called directly, they refuse with CH003 as the function would. unreact's rule is one's
-- own reaction only (reactions_remove asks nothing of the message): its definer part removes only the acting
-- user's contact's reaction.
CREATE UNLOGGED TABLE chatter_citus.readable (
    message_id bigint NOT NULL,
    xact       xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id()
);
COMMENT ON TABLE chatter_citus.readable IS
    'Citus only: messages the caller showed it may read in its transaction (admitted by the policy below)';
CREATE INDEX readable_xact_idx ON chatter_citus.readable (xact, message_id);
ALTER TABLE chatter_citus.readable OWNER TO chatter_owner;
ALTER TABLE chatter_citus.readable ENABLE ROW LEVEL SECURITY;
GRANT INSERT (message_id) ON chatter_citus.readable TO chatter_app;
-- The staged copy (chatter_citus.stage, by _readable_message) read as the caller: the messages policies
-- copied by reads.sql and the restrictive staged_by_this_transaction apply to this subquery.
CREATE POLICY readable_by_the_caller ON chatter_citus.readable FOR INSERT TO chatter_app
    WITH CHECK (xact = pg_catalog.pg_current_xact_id()
                AND EXISTS (SELECT 1 FROM chatter_citus.messages AS s
                             WHERE s.xact = pg_catalog.pg_current_xact_id() AND s.id = readable.message_id));

-- The caller's proof for the definer parts: the message staged and read back as the caller (a system caller,
-- which row-level security does not bind, writes its row unchecked, as it may read every message).
CREATE FUNCTION chatter_citus.prove_readable(message bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
    IF pg_catalog.row_security_active('chatter.messages') THEN
        PERFORM chatter_citus.stage(ARRAY[message]);
    END IF;
    INSERT INTO chatter_citus.readable (message_id) VALUES (message);
END
$$;
ALTER FUNCTION chatter_citus.prove_readable(bigint) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter_citus.prove_readable(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter_citus.prove_readable(bigint) TO chatter_app;

-- In a definer part: CH003 unless the caller proved the message readable in this transaction.
CREATE FUNCTION chatter_citus.proven_readable(message bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
    DELETE FROM chatter_citus.readable AS r
     WHERE r.xact < pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot());   -- finished transactions'
    IF NOT EXISTS (SELECT 1 FROM chatter_citus.readable AS r
                    WHERE r.xact = pg_catalog.pg_current_xact_id() AND r.message_id = proven_readable.message) THEN
        RAISE EXCEPTION 'message % not found', coalesce(message::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
END
$$;
ALTER FUNCTION chatter_citus.proven_readable(bigint) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter_citus.proven_readable(bigint) FROM PUBLIC;

-- What reactions_add and the trigger did: the acting user's contact's reaction (once per emoji); if it is new,
-- the emoji against emoji_chars (CH005, after the row's own CHECK as on one node) and the change recorded.
CREATE FUNCTION chatter_citus.react(message bigint, emoji text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    contact bigint := chatter.current_contact_id();
    added bigint;
    gone timestamptz;
BEGIN
    PERFORM chatter_citus.proven_readable(message);
    -- reactions_add's live message (the proof is of a readable one); one shard, by id
    SELECT m.deleted_at INTO gone FROM chatter.messages AS m WHERE m.id = react.message;
    IF gone IS NOT NULL THEN
        RAISE EXCEPTION 'message % is deleted', message USING ERRCODE = 'CH004';
    END IF;
    INSERT INTO chatter.reactions (message_id, contact_id, emoji) VALUES (message, contact, emoji)
    ON CONFLICT ON CONSTRAINT reactions_message_contact_emoji_key DO NOTHING
    RETURNING id INTO added;
    IF added IS NOT NULL THEN
        PERFORM chatter._within_limit('emoji_chars', length(emoji), 'the emoji (characters)');
        PERFORM chatter._message_changed(message);
    END IF;
END
$$;
ALTER FUNCTION chatter_citus.react(bigint, text) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter_citus.react(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter_citus.react(bigint, text) TO chatter_app;

-- What reactions_remove and the trigger did: the acting user's contact's reaction removed, the change recorded.
CREATE FUNCTION chatter_citus.unreact(message bigint, emoji text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    gone record;
BEGIN
    FOR gone IN DELETE FROM chatter.reactions AS r
                 WHERE r.message_id = unreact.message AND r.contact_id = chatter.current_contact_id()
                   AND r.emoji = unreact.emoji
                RETURNING r.message_id LOOP
        PERFORM chatter._message_changed(gone.message_id);
    END LOOP;
END
$$;
ALTER FUNCTION chatter_citus.unreact(bigint, text) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter_citus.unreact(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter_citus.unreact(bigint, text) TO chatter_app;

-- A readable message's reactions (reactions_read asks only that the message be readable), read as deployed.
CREATE FUNCTION chatter_citus.message_reactions(message bigint) RETURNS TABLE(emoji text, count bigint, contacts bigint[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter_citus.proven_readable(message);
    RETURN QUERY
        SELECT r.emoji, count(*), array_agg(r.contact_id ORDER BY r.id)
          FROM chatter.reactions AS r
         WHERE r.message_id = message_reactions.message
         GROUP BY r.emoji
         ORDER BY min(r.id);
END
$$;
ALTER FUNCTION chatter_citus.message_reactions(bigint) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter_citus.message_reactions(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter_citus.message_reactions(bigint) TO chatter_app;

-- The functions of SPEC §5, same headers, owners, grants and answers: the checks as deployed (_readable_message
-- as reads.sql restates it: CH004 without an acting user or for a deleted message, CH003 for one the caller may
-- not read, CH005 for no emoji), then the proof and the definer part.
CREATE OR REPLACE FUNCTION chatter.react(message bigint, emoji text) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._readable_message(message);
    IF emoji IS NULL OR btrim(emoji) = '' THEN
        RAISE EXCEPTION 'an emoji is required' USING ERRCODE = 'CH005';
    END IF;
    PERFORM chatter_citus.prove_readable(message);
    PERFORM chatter_citus.react(message, emoji);
END
$$;
CREATE OR REPLACE FUNCTION chatter.unreact(message bigint, emoji text) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._readable_message(message);
    PERFORM chatter_citus.unreact(message, emoji);
END
$$;
-- message_reactions as reads.sql patched it (the check through the staged copy for a caller that row-level
-- security binds), then the reactions read by the definer part instead of under reactions_read on the shards.
DO $$
DECLARE
    def text := pg_get_functiondef('chatter.message_reactions(bigint)'::regprocedure);
    old_read text := E'    RETURN QUERY\n'
                  || E'        SELECT r.emoji, count(*), array_agg(r.contact_id ORDER BY r.id)\n'
                  || E'          FROM chatter.reactions AS r\n'
                  || E'         WHERE r.message_id = message_reactions.message\n'
                  || E'         GROUP BY r.emoji\n'
                  || E'         ORDER BY min(r.id);\n';
BEGIN
    IF position(old_read IN def) = 0 OR position('chatter._citus_message_visible(' IN def) = 0 THEN
        RAISE EXCEPTION 'message_reactions is not as this patch knows it (run reads.sql first)';
    END IF;
    EXECUTE replace(def, old_read, E'    PERFORM chatter_citus.prove_readable(message);\n'
                                || E'    RETURN QUERY SELECT * FROM chatter_citus.message_reactions(message);\n');
END $$;

-- delete_message's definer part removes the message's reactions; on one node the trigger recorded one change
-- per reaction removed (then the deletion's own). The same events, written by the function.
DO $$
DECLARE
    def text := pg_get_functiondef('chatter._delete_message(bigint)'::regprocedure);
    old_decl text := E'    notified bigint[];\nBEGIN\n';
    old_delete text := E'    DELETE FROM chatter.reactions AS r WHERE r.message_id = m.id;\n';
BEGIN
    IF position(old_decl IN def) = 0 OR position(old_delete IN def) = 0 THEN
        RAISE EXCEPTION '_delete_message is not as this patch knows it';
    END IF;
    def := replace(def, old_decl, E'    notified bigint[];\n    reaction record;\nBEGIN\n');
    EXECUTE replace(def, old_delete,
        E'    FOR reaction IN DELETE FROM chatter.reactions AS r WHERE r.message_id = m.id RETURNING r.message_id LOOP\n'
        || E'        PERFORM chatter._message_changed(reaction.message_id);\n'
        || E'    END LOOP;\n');
END $$;


-- Stars (SPEC §5: star, unstar, the starred view). On one node star and unstar are SECURITY INVOKER and
-- chatter_app writes chatter.stars under stars_own (one's own row; on a readable live message for an INSERT),
-- and chatter.starred is a security_invoker view that reads stars and messages under their policies. On Citus
-- stars_own runs on the shard, where current_user_id() (it reads users, a reference table) and the EXISTS over
-- messages are nested distributed queries (class C): star, unstar and the view failed for chatter_app. The same
-- pattern as reactions above, no new proof: star proves the message readable as the caller
-- (chatter_citus.prove_readable), then a SECURITY DEFINER part writes the acting user's own star only (no user
-- argument: starring for someone else cannot be asked); unstar's part removes only the acting user's own star
-- (stars_own's USING), after the readability check reads.sql patched (CH003). The view reads the stars as
-- reads.sql reads messages: the acting user's stars staged (candidates) with their messages, both read back
-- as the caller under their own policies (stars_own copied by reads.sql, the messages policies).
CREATE FUNCTION chatter_citus.star(message bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    gone timestamptz;
BEGIN
    PERFORM chatter_citus.proven_readable(message);
    -- stars_own's live message (the proof is of a readable one); one shard, by id
    SELECT m.deleted_at INTO gone FROM chatter.messages AS m WHERE m.id = star.message;
    IF gone IS NOT NULL THEN
        RAISE EXCEPTION 'message % is deleted', message USING ERRCODE = 'CH004';
    END IF;
    INSERT INTO chatter.stars (user_id, message_id) VALUES (chatter.current_user_id(), message)
    ON CONFLICT (user_id, message_id) DO NOTHING;
END
$$;
ALTER FUNCTION chatter_citus.star(bigint) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter_citus.star(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter_citus.star(bigint) TO chatter_app;

-- What stars_own allowed a DELETE: the acting user's own star of the message.
CREATE FUNCTION chatter_citus.unstar(message bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    DELETE FROM chatter.stars AS s WHERE s.message_id = unstar.message AND s.user_id = chatter.current_user_id();
END
$$;
ALTER FUNCTION chatter_citus.unstar(bigint) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter_citus.unstar(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter_citus.unstar(bigint) TO chatter_app;

-- Step 1 of the view: the acting user's stars (every shard: stars are distributed by message) and their
-- messages, copied as chatter_owner. Candidates only: the caller reads them back under the policies.
CREATE FUNCTION chatter_citus.stage_stars() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
-- Its read of every shard, then a write in the same transaction to a table with a foreign key to a reference
-- or local table (delete_message's attachments): Citus refuses the write after a parallel multi-shard read
-- ("… because there was a parallel operation on a distributed table"); read sequentially, it is accepted.
SET citus.multi_shard_modify_mode = 'sequential'
AS $$
DECLARE
    me pg_catalog.xid8 := pg_catalog.pg_current_xact_id();
    who bigint := chatter.current_user_id();
    s chatter.stars;
    ids bigint[] := '{}';
BEGIN
    PERFORM chatter_citus.unstage_finished();
    DELETE FROM chatter_citus.stars AS x WHERE x.xact = me;
    FOR s IN SELECT x.* FROM chatter.stars AS x WHERE x.user_id = who LOOP
        INSERT INTO chatter_citus.stars SELECT (s).*, me;
        ids := ids || s.message_id;
    END LOOP;
    PERFORM chatter_citus.stage(ids);
END
$$;
ALTER FUNCTION chatter_citus.stage_stars() OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter_citus.stage_stars() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter_citus.stage_stars() TO chatter_app;

-- The view's rows: for a caller that row-level security binds, step 2 (the staged copies read as the caller);
-- the system reads as the deployed view does (stars and messages co-located by message id).
CREATE FUNCTION chatter_citus.starred()
RETURNS TABLE(message_id bigint, starred_at timestamptz, model text, document bigint, channel_id bigint,
              author_id bigint, created_at timestamptz)
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
    IF NOT pg_catalog.row_security_active('chatter.messages') THEN
        RETURN QUERY
            SELECT s.message_id, s.created_at, m.model, m.document, m.channel_id, m.author_id, m.created_at
              FROM chatter.stars AS s
              JOIN chatter.messages AS m ON m.id = s.message_id
             WHERE s.user_id = (SELECT chatter.current_user_id())
             ORDER BY s.message_id DESC;
        RETURN;
    END IF;
    PERFORM chatter_citus.stage_stars();
    RETURN QUERY
        SELECT s.message_id, s.created_at, m.model, m.document, m.channel_id, m.author_id, m.created_at
          FROM chatter_citus.stars AS s
          JOIN chatter_citus.messages AS m ON m.id = s.message_id AND m.xact = s.xact
         WHERE s.xact = pg_catalog.pg_current_xact_id()    -- stars_own and the messages policies decide
         ORDER BY s.message_id DESC;
END
$$;
ALTER FUNCTION chatter_citus.starred() OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter_citus.starred() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter_citus.starred() TO chatter_app;

-- The view: same name, columns, owner, grants and comment (CREATE OR REPLACE keeps them), its rows from above.
CREATE OR REPLACE VIEW chatter.starred WITH (security_invoker = true) AS
    SELECT s.message_id, s.starred_at, s.model, s.document, s.channel_id, s.author_id, s.created_at
      FROM chatter_citus.starred() AS s;

-- star and unstar, same headers, owners and grants: the checks as the caller as before, then the proof and
-- the definer part (star), the definer part (unstar: patched in place after reads.sql's readability check).
CREATE OR REPLACE FUNCTION chatter.star(message bigint) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._readable_message(message);
    PERFORM chatter_citus.prove_readable(message);
    PERFORM chatter_citus.star(message);
END
$$;
DO $$
DECLARE
    def text := pg_get_functiondef('chatter.unstar(bigint)'::regprocedure);
    old_delete text := E'    DELETE FROM chatter.stars AS s WHERE s.message_id = unstar.message AND s.user_id = chatter.current_user_id();\n';
BEGIN
    IF position(old_delete IN def) = 0 OR position('chatter._citus_message_visible(' IN def) = 0 THEN
        RAISE EXCEPTION 'unstar is not as this patch knows it (run reads.sql first)';
    END IF;
    EXECUTE replace(def, old_delete, E'    PERFORM chatter_citus.unstar(message);\n');
END $$;

COMMIT;
