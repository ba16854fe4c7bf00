-- SPEC 5, chat notifications, as chatter_app under row-level security: a DM notifies its other member
-- (inbox, frame, push), a channel post only those it mentions, a muted channel sends no push, payloads
-- say where the message was said; the delayed DM email: one outbox job per conversation, due after
-- chat_email_delay, cancelled by reading. Then follower subtypes: read back, chosen, refused for others.
BEGIN;
SELECT plan(47);

INSERT INTO chatter.contacts (id, name, email) VALUES
    (9601, 'Alice Chat', 'alice@chat.invalid'), (9602, 'Bob Chat', 'bob@chat.invalid'),
    (9603, 'Carol Chat', 'carol@chat.invalid'), (9604, 'Paula Chat', 'paula@chat.invalid');
INSERT INTO chatter.users (id, contact_id, username, notification, share) VALUES
    (961, 9601, 'alice_chat', 'email', false), (962, 9602, 'bob_chat', 'email', false),
    (963, 9603, 'carol_chat', 'inbox', false), (964, 9604, 'paula_chat', 'email', true);
INSERT INTO chatter.push_subscriptions (user_id, endpoint, p256dh, auth) VALUES
    (962, 'https://push.invalid/bob', 'k', 'a'), (963, 'https://push.invalid/carol', 'k', 'a');
CREATE TABLE public.chat_orders (id int PRIMARY KEY, name text, owner_id bigint);
ALTER TABLE public.chat_orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY chat_orders_owner ON public.chat_orders TO chatter_app
    USING (owner_id = nullif(current_setting('chatter.user_id', true), '')::bigint OR id = 1);
GRANT SELECT ON public.chat_orders TO chatter_app;
INSERT INTO public.chat_orders VALUES (1, 'C00001', 961), (2, 'C00002', 962);
SELECT chatter.enable('chat_orders', track => false);
INSERT INTO chatter.subtypes (identifier, name, internal, is_default, model)
VALUES ('chat_orders_memo', 'Memo', true, false, 'chat_orders');

-- The test's view of the outbox, which chatter_app may not read: how many jobs of a kind wait for a user
-- in a channel; the message and delay of the email job waiting.
CREATE FUNCTION pg_temp.jobs(kind text, who bigint, channel bigint) RETURNS bigint LANGUAGE sql SECURITY DEFINER AS $$
    SELECT count(*) FROM chatter.outbox AS o JOIN chatter.notifications AS n ON n.id = o.notification_id
      JOIN chatter.messages AS m ON m.id = n.message_id
     WHERE o.kind = jobs.kind AND n.user_id = who AND m.channel_id = channel AND o.status = 'pending'
$$;
CREATE FUNCTION pg_temp.email_job(who bigint, channel bigint, OUT message bigint, OUT delay interval)
LANGUAGE sql SECURITY DEFINER AS $$
    SELECT m.id, o.run_after - n.created_at FROM chatter.outbox AS o JOIN chatter.notifications AS n ON n.id = o.notification_id
      JOIN chatter.messages AS m ON m.id = n.message_id
     WHERE o.kind = 'email' AND n.user_id = who AND m.channel_id = channel AND o.status = 'pending'
$$;

SET LOCAL ROLE chatter_app;

-- A DM notifies its other member.
SET LOCAL chatter.user_id = '961';
SELECT chatter.get_or_create_dm(961, 962) AS dm \gset
SELECT chatter.get_or_create_dm(961, 963) AS dm_carol \gset
SELECT chatter.channel_post(:dm, 961, 'hi <b>Bob</b>') AS dm1 \gset
SELECT is((SELECT count(*) FROM chatter.notifications WHERE message_id = :dm1), 0::bigint,
    'the author has no notification of their own DM (and cannot see another''s)');
SELECT results_eq(format('SELECT contact_id, via FROM chatter.message_audience(%s)', :dm1),
    $$VALUES (9602::bigint, '{direct}'::text[])$$, 'message_audience: the DM''s other member, via direct');
SET LOCAL chatter.user_id = '962';
SELECT is((SELECT count(*) FROM chatter.inbox WHERE message_id = :dm1), 1::bigint, 'the other member has it in the inbox');
SELECT is((SELECT payload - 'body' - 'title' FROM chatter.inbox WHERE message_id = :dm1),
    jsonb_build_object('kind', 'message', 'model', NULL, 'document', NULL, 'message_id', :dm1, 'channel_id', :dm,
                       'channel_name', 'Alice Chat, Bob Chat', 'channel_kind', 'Direct', 'partner_name', 'Alice Chat'),
    'a chat payload carries channel_id, the channel''s name and kind, and for a DM the other person');
SELECT is((SELECT payload ->> 'title' FROM chatter.inbox WHERE message_id = :dm1), 'Alice Chat', 'titled by the author');
SELECT is(pg_temp.jobs('push', 962, :dm), 1::bigint, 'a Web Push job for the other member''s subscription');
SELECT is(pg_temp.jobs('email', 962, :dm), 1::bigint, 'a delayed email job for a member whose preference is email');
SELECT is(pg_temp.email_job(962, :dm), ROW(:dm1::bigint, interval '10 minutes'),
    'due after the default chat_email_delay');

-- One email per conversation: later messages join the waiting one.
SET LOCAL chatter.user_id = '961';
SELECT chatter.channel_post(:dm, 961, 'are you there?') AS dm2 \gset
SELECT chatter.channel_post(:dm_carol, 961, 'hi Carol') AS dmc1 \gset
SET LOCAL chatter.user_id = '962';
SELECT is((SELECT count(*) FROM chatter.inbox WHERE message_id IN (:dm1, :dm2)), 2::bigint, 'each DM message is in the inbox');
SELECT is(pg_temp.jobs('email', 962, :dm), 1::bigint, 'still one email job for the conversation');
SELECT is(pg_temp.jobs('push', 962, :dm), 2::bigint, 'a push per message');
SET LOCAL chatter.user_id = '963';
SELECT is((SELECT count(*) FROM chatter.inbox WHERE message_id = :dmc1), 1::bigint, 'Carol (inbox) has it in the inbox');
SELECT is(pg_temp.jobs('email', 963, :dm_carol), 0::bigint, 'no email for a preference of inbox');

-- Reading cancels it.
SELECT throws_ok(format('SELECT chatter.mark_read(%s, 962)', :dm), 'CH004', NULL, 'nobody reads for another user');
SET LOCAL chatter.user_id = '962';
SELECT chatter.mark_read(:dm, 962, :dm1);
SELECT ok((SELECT is_read FROM chatter.inbox WHERE message_id = :dm1), 'reading the conversation reads its notifications');
SELECT ok(NOT (SELECT is_read FROM chatter.inbox WHERE message_id = :dm2), 'up to the read marker only');
SELECT is((pg_temp.email_job(962, :dm)).message, :dm2::bigint,
    'the job moved to the next unread message of the conversation');
SELECT chatter.mark_read(:dm, 962);
SELECT is(pg_temp.jobs('email', 962, :dm), 0::bigint, 'reading everything cancels the delayed email');
SELECT is((SELECT count(*) FROM chatter.inbox WHERE message_id IN (:dm1, :dm2) AND NOT is_read), 0::bigint,
    'and reads every notification of the conversation');
SELECT is((SELECT count(*) FROM chatter.notifications WHERE message_id IN (:dm1, :dm2) AND email_status <> 'none'), 0::bigint,
    'a cancelled email leaves its notification with email_status none');

-- Read from the bell: cancelled too.
SET LOCAL chatter.user_id = '961';
SELECT chatter.channel_post(:dm, 961, 'ping') AS dm3 \gset
SET LOCAL chatter.user_id = '962';
SELECT is(pg_temp.jobs('email', 962, :dm), 1::bigint, 'a new unread message: a new delayed email');
SELECT chatter.mark_notifications_read(ARRAY[(SELECT notification_id FROM chatter.inbox WHERE message_id = :dm3)]);
SELECT is(pg_temp.jobs('email', 962, :dm), 0::bigint, 'reading it in the bell cancels it');

-- Answering reads the conversation.
SET LOCAL chatter.user_id = '961';
SELECT chatter.channel_post(:dm, 961, 'one more') AS dm4 \gset
SET LOCAL chatter.user_id = '962';
SELECT chatter.channel_post(:dm, 962, 'here!') AS dm5 \gset
SELECT is(pg_temp.jobs('email', 962, :dm), 0::bigint, 'posting in the conversation reads it: no email');
SET LOCAL chatter.user_id = '961';
SELECT is(pg_temp.jobs('email', 961, :dm), 1::bigint, 'and the answer waits for Alice');

-- A muted conversation: inbox and frame, no push, no email.
SET LOCAL chatter.user_id = '962';
SELECT chatter.channel_mute(:dm, 962);
SELECT pg_temp.jobs('push', 962, :dm) + pg_temp.jobs('email', 962, :dm) AS jobs_before \gset
SET LOCAL chatter.user_id = '961';
SELECT chatter.channel_post(:dm, 961, 'muted?') AS dm6 \gset
SET LOCAL chatter.user_id = '962';
SELECT is((SELECT count(*) FROM chatter.inbox WHERE message_id = :dm6), 1::bigint, 'muted: still in the inbox');
SELECT is((SELECT push_status FROM chatter.notifications WHERE message_id = :dm6), 'none', 'muted: no push');
SELECT is(pg_temp.jobs('push', 962, :dm) + pg_temp.jobs('email', 962, :dm), :jobs_before::bigint,
    'muted: no new push or email job');

-- Channels: only mentions notify; a muted member mentioned gets the inbox entry and no push.
SET LOCAL chatter.user_id = '961';
SELECT chatter.create_channel('chat-general', 'Public', 961, '{962,963}') AS general \gset
SELECT chatter.channel_post(:general, 961, 'hello all') AS g1 \gset
SELECT is((SELECT count(*) FROM chatter.message_audience(:g1)), 0::bigint, 'a channel post without mention notifies no one');
SET LOCAL chatter.user_id = '963';
SELECT chatter.channel_mute(:general, 963);
SET LOCAL chatter.user_id = '961';
SELECT chatter.channel_post(:general, 961, 'hey @carol_chat') AS g2 \gset
SELECT results_eq(format('SELECT contact_id, via FROM chatter.message_audience(%s)', :g2),
    $$VALUES (9603::bigint, '{mention}'::text[])$$, 'a channel post notifies only the member it mentions');
SET LOCAL chatter.user_id = '963';
SELECT is((SELECT payload ->> 'channel_name' FROM chatter.inbox WHERE message_id = :g2), 'chat-general',
    'a mention''s payload names its channel');
SELECT is((SELECT payload -> 'partner_name' FROM chatter.inbox WHERE message_id = :g2), 'null'::jsonb,
    'a channel is no DM: no partner');
SELECT is((SELECT push_status FROM chatter.notifications WHERE message_id = :g2), 'none', 'muted channel: no push for a mention');
SELECT is(pg_temp.jobs('email', 963, :general), 0::bigint, 'a channel mention is never a delayed email');

-- The delay is a setting; nobody but the owner reads or changes it.
SELECT throws_ok('SELECT chatter.chat_email_delay()', '42501', NULL, 'chatter_app cannot call chat_email_delay');
SELECT throws_ok($$UPDATE chatter.settings SET value = '1 second'$$, '42501', NULL, 'chatter_app cannot change settings');
RESET ROLE;
UPDATE chatter.settings SET value = '2 seconds' WHERE name = 'chat_email_delay';
SELECT is(chatter.chat_email_delay(), interval '2 seconds', 'the owner sets chat_email_delay');
SELECT throws_ok($$UPDATE chatter.settings SET value = '-1 minute' WHERE name = 'chat_email_delay'$$, '23514', NULL,
    'a negative delay is refused');

-- Follower subtypes: read back, one's own chosen, another's refused.
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '961';
SELECT chatter.subscribe('chat_orders', 1, '{9601,9602}');
SELECT results_eq($$SELECT contact_id, subtypes FROM chatter.follower_subtypes('chat_orders', 1)$$,
    $$VALUES (9601::bigint, '{comment,activities}'::text[]), (9602::bigint, '{comment,activities}'::text[])$$,
    'follower_subtypes: each follower with the subtypes it follows');
SELECT lives_ok($$SELECT chatter.edit_subscription('chat_orders', 1, '{comment,note,chat_orders_memo}')$$,
    'a follower chooses their own subtypes');
SELECT is((SELECT subtypes FROM chatter.follower_subtypes('chat_orders', 1) WHERE contact_id = 9601),
    '{comment,note,chat_orders_memo}'::text[], 'and reads the choice back');
SELECT throws_ok($$SELECT chatter.edit_subscription('chat_orders', 1, '{note}', 9602)$$, 'CH004', NULL,
    'another follower''s subscription is theirs');
SELECT throws_ok($$SELECT chatter.edit_subscription('chat_orders', 2, '{note}')$$, 'CH003', NULL,
    'an unreadable record: CH003');
SELECT throws_ok($$SELECT * FROM chatter.follower_subtypes('chat_orders', 2)$$, 'CH003', NULL,
    'no follower list of an unreadable record');
SELECT throws_ok($$SELECT chatter.edit_subscription('chat_orders', 1, '{nonsense}')$$, 'CH005', NULL,
    'an unknown subtype: CH005');
SELECT throws_ok($$SELECT chatter.edit_subscription('chat_orders', 1, array_fill('note'::text, ARRAY[101]))$$, 'CH005',
    'subtypes: 101 given, at most 100', 'the list of subtypes is bounded');
SELECT ok('chat_orders_memo' IN (SELECT identifier FROM chatter.model_subtypes('chat_orders')),
    'model_subtypes offers an internal user the model''s own subtypes');
SET LOCAL chatter.user_id = '964';
SELECT is((SELECT count(*) FROM chatter.model_subtypes('chat_orders') WHERE internal), 0::bigint,
    'a portal user is offered no internal subtype');

SELECT * FROM finish();
ROLLBACK;
