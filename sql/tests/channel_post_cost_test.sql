-- Issue 25, the chat post's cost cuts, as chatter_app under row-level security: channel_post calls the
-- notification hook only for a post that may have an audience (a DM, a body with '@' or '&#'); every
-- post still moves the poster's read marker (never backwards), bumps last_message_at and counts as unread
-- for the others; the refused posts stay refused.
BEGIN;
SELECT plan(20);

INSERT INTO chatter.contacts (id, name, email) VALUES
    (9811, 'Ann Cost', 'ann@cost.invalid'), (9812, 'Ben Cost', 'ben@cost.invalid'),
    (9813, 'Cid Cost', 'cid@cost.invalid'), (9814, 'Dee Cost', 'dee@cost.invalid');
INSERT INTO chatter.users (id, contact_id, username, notification) VALUES
    (9911, 9811, 'ann_cost', 'inbox'), (9912, 9812, 'ben_cost', 'inbox'),
    (9913, 9813, 'cid_cost', 'inbox'), (9914, 9814, 'dee_cost', 'inbox');

SELECT chatter.create_channel('cost room', 'Public', 9911, ARRAY[9912, 9913]::bigint[]) AS room \gset
SELECT chatter.create_channel('cost private', 'Private', 9914, '{}'::bigint[]) AS hidden \gset
SELECT chatter.create_channel('cost attic', 'Public', 9911, ARRAY[9912]::bigint[]) AS attic \gset
SELECT chatter.get_or_create_dm(9911, 9912) AS dm \gset
UPDATE chatter.channels SET last_message_at = NULL WHERE id = :room;

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '9911';

-- A plain post: no notification, but the marker, last_message_at and the others' unread counts move.
SELECT chatter.channel_post(:room, 9911, 'plain words') AS plain \gset
SELECT is((SELECT count(*) FROM chatter.notifications WHERE message_id = :plain), 0::bigint,
          'a plain channel post notifies no one');
SELECT is((SELECT last_read_message FROM chatter.channel_members WHERE channel_id = :room AND user_id = 9911),
          :plain::bigint, 'it moves the poster''s read marker to itself');
SELECT isnt((SELECT last_message_at FROM chatter.channels WHERE id = :room), NULL,
            'it bumps the channel''s last_message_at');
SELECT is(chatter.unread_count(:room, 9911), 0::bigint, 'the poster has nothing unread');
SELECT is((SELECT author_id FROM chatter.messages WHERE id = :plain), 9811::bigint, 'its author is the poster''s contact');
SET LOCAL chatter.user_id = '9912';
SELECT is(chatter.unread_count(:room, 9912), 1::bigint, 'another member has it unread');
SET LOCAL chatter.user_id = '9911';

-- Posts that may have an audience still notify it, written by channel_post itself; each recipient sees
-- their own notification (row-level security).
SELECT chatter.channel_post(:room, 9911, 'hello @ben_cost') AS mention \gset
SELECT chatter.channel_post(:room, 9911, 'ask &#64;cid_cost') AS entity \gset
SELECT chatter.channel_post(:dm, 9911, 'plain words') AS direct \gset
SET LOCAL chatter.user_id = '9912';
SELECT is((SELECT count(*) FROM chatter.notifications WHERE message_id = :mention), 1::bigint,
          'an @username mention notifies the member it names');
SELECT is((SELECT count(*) FROM chatter.notifications WHERE message_id = :direct), 1::bigint,
          'a DM without a mention notifies its other member');
SET LOCAL chatter.user_id = '9913';
SELECT is((SELECT count(*) FROM chatter.notifications WHERE message_id = :entity), 1::bigint,
          'a mention written &#64; (no "@" in the body) notifies the member it names');
SET LOCAL chatter.user_id = '9911';

-- Ben's mention is read when Ben posts after it: the marker moves past it (the marker trigger).
SET LOCAL chatter.user_id = '9912';
SELECT chatter.channel_post(:room, 9912, 'thanks') AS reply \gset
SELECT ok((SELECT is_read FROM chatter.notifications WHERE message_id = :mention), 'posting reads one''s mention above it');
SELECT ok(NOT (SELECT is_read FROM chatter.notifications WHERE message_id = :direct), 'but not the DM''s, another conversation');
SET LOCAL chatter.user_id = '9911';

-- A read marker never moves backwards, posting included.
RESET ROLE;
UPDATE chatter.channel_members SET last_read_message = :reply::bigint + 1000000 WHERE channel_id = :room AND user_id = 9911;
SET LOCAL ROLE chatter_app;
SELECT chatter.channel_post(:room, 9911, 'late words') AS late \gset
SELECT is((SELECT last_read_message FROM chatter.channel_members WHERE channel_id = :room AND user_id = 9911),
          :reply::bigint + 1000000, 'a post never moves the poster''s marker backwards');

-- Refused: not a member, an archived channel, acting for someone else, no body, an unknown channel.
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 9911, %L)', :hidden, 'let me in'), 'CH004', NULL,
                 'posting in a channel one is not a member of is refused');
SELECT chatter.channel_archive(:attic);
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 9911, %L)', :attic, 'anyone?'), 'CH004', NULL,
                 'posting in an archived channel is refused');
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 9912, %L)', :room, 'as Ben'), 'CH004', NULL,
                 'posting as another user is refused');
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 9911, %L)', :room, '  '), 'CH005', NULL,
                 'a blank post is refused');
SELECT throws_ok('SELECT chatter.channel_post(-1, 9911, ''x'')', 'CH003', NULL, 'an unknown channel is not found');
SELECT is((SELECT count(*) FROM chatter.messages WHERE channel_id IN (:hidden, :attic)), 0::bigint,
          'the refused posts left no message');
SELECT is((SELECT count(*) FROM chatter.messages WHERE channel_id = :room), 5::bigint,
          'the room holds the five accepted posts');

-- The system (no acting user) posts for any member; the author is that member's contact.
RESET ROLE;
SET LOCAL chatter.user_id = '';
SELECT chatter.channel_post(:room, 9913, 'from the system') AS sys \gset
SELECT is((SELECT author_id FROM chatter.messages WHERE id = :sys), 9813::bigint,
          'a post made by the system for a member has that member as its author');

SELECT * FROM finish();
ROLLBACK;
