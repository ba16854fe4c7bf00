-- Messages that live (SPEC 5, issue 21): edit, delete, reactions, stars and the reply's parent, as
-- chatter_app under row-level security, each refused attempt next to the accepted one.
BEGIN;
SELECT plan(55);

INSERT INTO chatter.contacts (id, name, email) VALUES
    (9901, 'Alice Life', 'alice@life.invalid'), (9902, 'Bob Life', 'bob@life.invalid'),
    (9903, 'Carol Life', 'carol@life.invalid'), (9904, 'Dave Life', 'dave@life.invalid');
INSERT INTO chatter.users (id, contact_id, username, notification) VALUES
    (991, 9901, 'alice_life', 'inbox'), (992, 9902, 'bob_life', 'inbox'), (993, 9903, 'carol_life', 'inbox'),
    (994, 9904, 'dave_life', 'inbox');

-- The application: Carol may not read order 1; Alice and Bob may.
CREATE TABLE public.life_orders (id int PRIMARY KEY, name text);
ALTER TABLE public.life_orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY life_orders_read ON public.life_orders TO chatter_app
    USING (nullif(current_setting('chatter.user_id', true), '')::bigint IN (991, 992));
GRANT SELECT, UPDATE ON public.life_orders TO chatter_app;
INSERT INTO public.life_orders VALUES (1, 'L1');
SELECT chatter.enable('life_orders');
SELECT chatter.track_column('life_orders', 'name', true);
SELECT chatter.create_channel('life-board', 'Private', 991, '{992}') AS board \gset

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '991';
SELECT chatter.add_attachment('plan.txt', 'plan', 'text/plain', 'life_orders', 1) AS file \gset
SELECT chatter.create_message('Hello @bob_life', subject => 'Plan', model => 'life_orders', document => 1,
                              attachments => ARRAY[:file]::bigint[]) AS msg \gset
SELECT chatter.channel_post(:board, 991, 'in the board') AS chat \gset
UPDATE public.life_orders SET name = 'L1b' WHERE id = 1;
SELECT id AS tracking FROM chatter.messages WHERE model = 'life_orders' AND message_type = 'Tracking' \gset
RESET ROLE;
RESET chatter.user_id;
UPDATE chatter.messages SET body_html = '<p>cached</p>' WHERE id = :msg;
SELECT coalesce(max(id), 0) AS events_before FROM chatter.message_events \gset
SELECT is((SELECT chatter.inbox_count(992)), 1::bigint, 'Bob was notified of the mention');

-- Edit: the author only, never Tracking; over the limits is CH005.
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '992';
SELECT throws_ok(format($$SELECT chatter.edit_message(%s, 'hacked')$$, :msg), 'CH004', NULL,
    'Bob, who may read the record, may not edit Alice''s message');
SET LOCAL chatter.user_id = '993';
SELECT throws_ok(format($$SELECT chatter.edit_message(%s, 'hacked')$$, :msg), 'CH003', NULL,
    'Carol, who may not read the record, gets CH003 as for a message that does not exist');
SELECT throws_ok($$SELECT chatter.edit_message(999999999, 'x')$$, 'CH003', NULL, 'a missing message is CH003');
SET LOCAL chatter.user_id = '991';
SELECT throws_ok(format($$SELECT chatter.edit_message(%s, 'x')$$, :tracking), 'CH004', NULL,
    'a Tracking message, even one''s own change, is never edited');
SELECT throws_ok(format($$SELECT chatter.delete_message(%s)$$, :tracking), 'CH004', NULL,
    'nor deleted');
SELECT throws_ok(format($$SELECT chatter.edit_message(%s, repeat('x', 500001))$$, :msg), 'CH005', NULL,
    'an edit meets the body limit (messages_limits)');
SELECT throws_ok(format($$SELECT chatter.edit_message(%s, 'ok', repeat('s', 1001))$$, :msg), 'CH005', NULL,
    'and the subject limit');
SELECT throws_ok(format($$SELECT chatter.edit_message(%s, '  ')$$, :msg), 'CH005', NULL, 'an empty body is refused');
SELECT lives_ok(format($$SELECT chatter.edit_message(%s, 'Hello <i>again</i>')$$, :msg), 'Alice edits her message');
SELECT is((SELECT body || '|' || subject FROM chatter.messages WHERE id = :msg), 'Hello <i>again</i>|Plan',
    'the body is changed, the subject kept (NULL keeps it)');
SELECT ok((SELECT edited_at IS NOT NULL FROM chatter.messages WHERE id = :msg), 'edited_at is set');
SELECT is((SELECT chatter.message_wire(m) -> 'edited' FROM chatter.messages AS m WHERE m.id = :msg), 'true'::jsonb,
    'the wire shape says edited');
RESET ROLE;
RESET chatter.user_id;
SELECT is((SELECT body_html FROM chatter.messages WHERE id = :msg), NULL, 'the sanitized copy of the old body is dropped');
SELECT is((SELECT count(*) FROM chatter.message_events WHERE id > :events_before AND message_id = :msg), 1::bigint,
    'the edit is a message event for the relay');
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '991';
SELECT lives_ok(format($$SELECT chatter.edit_message(%s, 'Hello again', '')$$, :msg), 'an empty subject clears it');
SELECT is((SELECT subject FROM chatter.messages WHERE id = :msg), NULL, 'the subject is cleared');
SELECT throws_ok(format($$UPDATE chatter.messages SET body = 'direct' WHERE id = %s$$, :msg), '42501', NULL,
    'chatter_app cannot update messages directly');

-- Reactions: anyone who may read the message; one per contact and emoji; counts and who.
SET LOCAL chatter.user_id = '992';
SELECT lives_ok(format($$SELECT chatter.react(%s, '👍')$$, :msg), 'Bob reacts');
SELECT lives_ok(format($$SELECT chatter.react(%s, '👍')$$, :msg), 'reacting twice with the same emoji is a no-op');
SELECT lives_ok(format($$SELECT chatter.react(%s, '🎉')$$, :msg), 'Bob reacts with another emoji');
SET LOCAL chatter.user_id = '991';
SELECT lives_ok(format($$SELECT chatter.react(%s, '👍')$$, :msg), 'Alice reacts');
SELECT results_eq(format('SELECT emoji, count, contacts FROM chatter.message_reactions(%s)', :msg),
    $$VALUES ('👍', 2::bigint, '{9902,9901}'::bigint[]), ('🎉', 1::bigint, '{9902}'::bigint[])$$,
    'message_reactions: each emoji, how many, who');
SELECT is((SELECT chatter.message_wire(m) -> 'reactions' FROM chatter.messages AS m WHERE m.id = :msg),
    '[{"emoji": "👍", "count": 2, "contacts": [9902, 9901]}, {"emoji": "🎉", "count": 1, "contacts": [9902]}]'::jsonb,
    'the wire shape carries the reactions');
SELECT throws_ok(format($$SELECT chatter.react(%s, repeat('x', 33))$$, :msg), 'CH005', NULL,
    'an emoji over emoji_chars is CH005');
SELECT throws_ok(format($$INSERT INTO chatter.reactions (message_id, contact_id, emoji) VALUES (%s, 9902, '👎')$$, :msg),
    '42501', NULL, 'a reaction in someone else''s name is refused by row-level security');
SET LOCAL chatter.user_id = '993';
SELECT throws_ok(format($$SELECT chatter.react(%s, '👀')$$, :msg), 'CH003', NULL, 'Carol may not react: CH003');
SELECT throws_ok(format($$SELECT * FROM chatter.message_reactions(%s)$$, :msg), 'CH003', NULL,
    'nor read the reactions');
SELECT is_empty('SELECT * FROM chatter.reactions', 'nor see them in the table');
SET LOCAL chatter.user_id = '992';
SELECT lives_ok(format($$SELECT chatter.unreact(%s, '🎉')$$, :msg), 'Bob takes one back');
SELECT is((SELECT count(*) FROM chatter.message_reactions(:msg)), 1::bigint, 'one emoji is left');

-- Stars: one's own, on readable messages.
SELECT lives_ok(format('SELECT chatter.star(%s)', :msg), 'Bob stars the message');
SELECT lives_ok(format('SELECT chatter.star(%s)', :chat), 'and the chat message');
SELECT results_eq('SELECT message_id FROM chatter.starred', format('VALUES (%s::bigint), (%s::bigint)', :chat, :msg),
    'chatter.starred: Bob''s, newest first');
SELECT is((SELECT chatter.message_wire(m) -> 'starred' FROM chatter.messages AS m WHERE m.id = :msg), 'true'::jsonb,
    'starred by the acting user in the wire shape');
SELECT throws_ok(format($$INSERT INTO chatter.stars (user_id, message_id) VALUES (991, %s)$$, :msg), '42501', NULL,
    'a star for someone else is refused');
SELECT lives_ok(format('SELECT chatter.unstar(%s)', :chat), 'Bob unstars the chat message');
SET LOCAL chatter.user_id = '991';
SELECT is_empty('SELECT * FROM chatter.starred', 'Alice''s starred box is her own: empty');
SET LOCAL chatter.user_id = '993';
SELECT throws_ok(format('SELECT chatter.star(%s)', :msg), 'CH003', NULL, 'Carol may not star what she may not read');

-- Replies: the parent's summary.
SET LOCAL chatter.user_id = '992';
SELECT chatter.create_message('Agreed', model => 'life_orders', document => 1, parent => :msg) AS reply \gset
SELECT is((SELECT chatter.message_wire(m) -> 'parent' FROM chatter.messages AS m WHERE m.id = :reply),
    jsonb_build_object('id', :msg, 'author', 'Alice Life', 'deleted', false, 'excerpt', 'Hello again'),
    'a reply carries its parent: author and plain-text excerpt');

-- Delete: the author only; a tombstone; files, notifications, reactions and stars go.
SELECT throws_ok(format('SELECT chatter.delete_message(%s)', :msg), 'CH004', NULL, 'Bob may not delete Alice''s message');
SET LOCAL chatter.user_id = '991';
SELECT lives_ok(format('SELECT chatter.delete_message(%s)', :msg), 'Alice deletes her message');
RESET ROLE;
RESET chatter.user_id;
SELECT is((SELECT body || coalesce(subject, '') FROM chatter.messages WHERE id = :msg AND deleted_at IS NOT NULL), '',
    'a tombstone stays: no body, no subject');
SELECT is((SELECT count(*) FROM chatter.attachments WHERE id = :file), 0::bigint, 'its attachment is gone');
SELECT is((SELECT chatter.inbox_count(992)), 0::bigint, 'its notification left Bob''s inbox');
SELECT is((SELECT count(*) FROM chatter.reactions WHERE message_id = :msg) + (SELECT count(*) FROM chatter.stars WHERE message_id = :msg),
    0::bigint, 'its reactions and stars are gone');
SELECT ok((SELECT '{992}'::bigint[] <@ users FROM chatter.message_events WHERE message_id = :msg ORDER BY id DESC LIMIT 1),
    'the relay learns whose inbox changed');
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '991';
SELECT throws_ok(format($$SELECT chatter.edit_message(%s, 'back')$$, :msg), 'CH004', NULL, 'a deleted message is not edited');
SET LOCAL chatter.user_id = '992';
SELECT throws_ok(format($$SELECT chatter.react(%s, '👍')$$, :msg), 'CH004', NULL, 'nor reacted to');
SELECT is((SELECT chatter.message_wire(m) -> 'parent' -> 'deleted' FROM chatter.messages AS m WHERE m.id = :reply), 'true'::jsonb,
    'the reply shows its parent deleted');

-- Replies in chat: the parent must be in the same channel.
SET LOCAL chatter.user_id = '992';
SELECT chatter.channel_reply(:board, 992, 'seen', :chat) AS chat_reply \gset
SELECT is((SELECT chatter.message_wire(m) -> 'parent' ->> 'excerpt' FROM chatter.messages AS m WHERE m.id = :chat_reply),
    'in the board', 'a chat reply carries its parent');
SELECT throws_ok(format($$SELECT chatter.channel_reply(%s, 992, 'x', %s)$$, :board, :reply), 'CH005', NULL,
    'a chat reply to a message of another place is refused');
SELECT throws_ok(format($$SELECT chatter.channel_reply(%s, 991, 'x', %s)$$, :board, :chat), 'CH004', NULL,
    'and one in someone else''s name');

-- Chat: the author must still be a member.
SET LOCAL chatter.user_id = '994';
SELECT throws_ok(format($$SELECT chatter.edit_message(%s, 'x')$$, :chat), 'CH003', NULL,
    'Dave, not a member, does not even see the chat message');
RESET ROLE;
RESET chatter.user_id;
SELECT chatter.channel_leave(:board, 991);
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '991';
SELECT throws_ok(format($$SELECT chatter._edit_message(%s, 'x')$$, :chat), 'CH004', NULL,
    'Alice, who left the channel, may no longer edit her chat message');

SELECT * FROM finish();
ROLLBACK;
