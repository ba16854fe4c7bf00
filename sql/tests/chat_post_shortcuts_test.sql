-- Issue 25, the chat post's shortcuts, as chatter_app under row-level security: message_audience answers
-- "nobody" from the message's row only for a chat message outside a DM with no possible mention and no
-- recipient; every other chat message still takes the audience query (a mention written &#64;, a recipient,
-- a DM). _notify_audience skips the outbox only when nothing was written and nothing waits for a job;
-- _channel_post_notify looks for the delayed DM email only when a user was notified.
BEGIN;
SELECT plan(13);

INSERT INTO chatter.contacts (id, name, email) VALUES
    (9801, 'Ann Short', 'ann@short.invalid'), (9802, 'Ben Short', 'ben@short.invalid'),
    (9803, 'Cid Short', 'cid@short.invalid'), (9804, 'Dee Short', 'dee@short.invalid');
INSERT INTO chatter.users (id, contact_id, username, notification) VALUES
    (981, 9801, 'ann_short', 'email'), (982, 9802, 'ben_short', 'email'),
    (983, 9803, 'cid_short', 'inbox'), (984, 9804, 'dee_short', 'inbox');
INSERT INTO chatter.push_subscriptions (user_id, endpoint, p256dh, auth) VALUES (982, 'https://push.invalid/ben', 'k', 'a');

-- The test's view of the outbox, which chatter_app may not read.
CREATE FUNCTION pg_temp.jobs(message bigint) RETURNS bigint LANGUAGE sql SECURITY DEFINER AS $$
    SELECT count(*) FROM chatter.outbox AS o JOIN chatter.notifications AS n ON n.id = o.notification_id
     WHERE n.message_id = jobs.message
$$;

SELECT chatter.create_channel('short room', 'Public', 981, ARRAY[982, 983]::bigint[]) AS room \gset
SELECT chatter.create_channel('short private', 'Private', 984, '{}'::bigint[]) AS hidden \gset
SELECT chatter.get_or_create_dm(981, 982) AS dm \gset

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '981';

SELECT chatter.channel_post(:room, 981, 'plain words') AS plain \gset
SELECT chatter.channel_post(:room, 981, 'more plain words') AS plain2 \gset
SELECT is((SELECT count(*) FROM chatter.message_audience(:plain)), 0::bigint,
          'a channel post without a mention reaches no one');
SELECT is((SELECT count(*) FROM chatter.notifications WHERE message_id = :plain), 0::bigint,
          'and writes no notification');
RESET ROLE;
SELECT is(pg_temp.jobs(:plain), 0::bigint, 'nor any outbox job');
SET LOCAL ROLE chatter_app;

-- An @ written as an entity is a mention: no "@" in the body, yet not the shortcut.
SELECT chatter.channel_post(:room, 981, 'ask &#64;cid_short') AS entity \gset
SELECT results_eq(format('SELECT contact_id, via FROM chatter.message_audience(%s)', :entity),
    $$VALUES (9803::bigint, '{mention}'::text[])$$, 'a mention written &#64; reaches the member it names');

-- A DM without a mention reaches its other member, with a push job and the delayed email.
SELECT chatter.channel_post(:dm, 981, 'plain words') AS direct \gset
SELECT results_eq(format('SELECT contact_id, via FROM chatter.message_audience(%s)', :direct),
    $$VALUES (9802::bigint, '{direct}'::text[])$$, 'a DM without a mention reaches the other member');
RESET ROLE;
SELECT is((SELECT array_agg(o.kind::text ORDER BY o.kind) FROM chatter.outbox AS o
             JOIN chatter.notifications AS n ON n.id = o.notification_id WHERE n.message_id = :direct),
          ARRAY['email', 'push'], 'the DM''s member gets a push job and the delayed email job');

-- A chat message with an explicit recipient (no writer makes one today; the rule still holds): not the
-- shortcut, the recipient who is a member is reached.
INSERT INTO chatter.message_recipients (message_id, contact_id) VALUES (:plain, 9803), (:plain, 9804);
SET LOCAL ROLE chatter_app;
SELECT results_eq(format('SELECT contact_id, via FROM chatter.message_audience(%s)', :plain),
    $$VALUES (9803::bigint, '{recipient}'::text[])$$, 'a chat message''s recipient who is a member is reached, no other');

-- Refused: a message of a channel one cannot read is not found, shortcut or not.
RESET ROLE;
SET LOCAL chatter.user_id = '984';
SELECT chatter.channel_post(:hidden, 984, 'secret') AS secret \gset
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '981';
SELECT throws_ok(format('SELECT * FROM chatter.message_audience(%s)', :secret), 'CH003', NULL,
                 'a chat message of a channel one is not in is refused as not found');
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 981, %L)', :hidden, 'let me in'), 'CH004', NULL,
                 'posting in a channel one is not in is refused');

-- _notify_audience: a notification still waiting for its job gets it on a second call (as before the
-- shortcut), though nothing new is written; with nothing waiting, no job.
RESET ROLE;
UPDATE chatter.notifications SET email_status = 'pending' WHERE message_id = :entity;
SELECT is(chatter._notify_audience(:entity, false), 1, 'a second call queues the email of a notification still pending');
SELECT is(pg_temp.jobs(:entity), 1::bigint, 'one job for it');
SELECT is(chatter._notify_audience(:plain2, false), 0, 'nothing written and nothing pending: no job');
SELECT is(pg_temp.jobs(:plain2), 0::bigint, 'none');

SELECT * FROM finish();
ROLLBACK;
