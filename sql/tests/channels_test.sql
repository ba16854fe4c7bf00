-- Channels: creation, joining and leaving, muting, posting, history.
BEGIN;
SELECT plan(42);

INSERT INTO chatter.contacts (id, name) VALUES (9101, 'Alice Martin'), (9102, 'Bob Stone'), (9103, 'Carol Diaz');
INSERT INTO chatter.users (id, contact_id, username) VALUES (601, 9101, 'alice'), (602, 9102, 'bob'), (603, 9103, 'carol');

SELECT enum_has_labels('chatter', 'channel_kind', ARRAY['Public', 'Private', 'Direct'], 'the three channel kinds');
SELECT has_column('chatter', 'messages', 'channel_id', 'a chat message is a messages row with channel_id');
SELECT has_index('chatter', 'messages', 'messages_channel_id_idx', ARRAY['channel_id', 'id'],
    'messages are indexed by (channel_id, id)');

-- create_channel
SET LOCAL chatter.user_id = '601';
SELECT chatter.create_channel('general', description => 'Everyone') AS general \gset
SELECT chatter.create_channel('board', 'Private', members => '{602}') AS board \gset
RESET chatter.user_id;
SELECT chatter.create_channel('random', created_by => 601) AS random \gset
SELECT chatter.get_or_create_dm(601, 602) AS dm \gset
SELECT is((SELECT row(kind, created_by, description)::text FROM chatter.channels WHERE id = :general),
    row('Public'::chatter.channel_kind, 601::bigint, 'Everyone'::text)::text,
    'created_by defaults to the acting user');
SELECT set_eq(format('SELECT user_id FROM chatter.channel_members WHERE channel_id = %s', :board),
    ARRAY[601, 602]::bigint[], 'the creator and the members join');
SELECT throws_ok($$SELECT chatter.create_channel('  ')$$, 'CH005', NULL, 'a channel needs a name');
SELECT throws_ok($$SELECT chatter.create_channel('dm', 'Direct')$$, 'CH005', NULL,
    'Direct channels come from get_or_create_dm only');
SELECT throws_ok($$SELECT chatter.create_channel('x', members => '{999}')$$, 'CH003', NULL, 'an unknown member is CH003');
SET LOCAL chatter.user_id = '602';
SELECT throws_ok($$SELECT chatter.create_channel('x', created_by => 601)$$, 'CH004', NULL,
    'one cannot create a channel in another user''s name');
RESET chatter.user_id;

-- channel_join
SET LOCAL chatter.user_id = '603';
SELECT lives_ok(format('SELECT chatter.channel_join(%s, 603)', :general), 'anyone joins a Public channel');
SELECT lives_ok(format('SELECT chatter.channel_join(%s, 603)', :general), 'joining twice changes nothing');
SELECT is((SELECT count(*) FROM chatter.channel_members WHERE channel_id = :general AND user_id = 603), 1::bigint,
    'one membership after joining twice');
SELECT throws_ok(format('SELECT chatter.channel_join(%s, 603)', :board), 'CH004', NULL,
    'a Private channel cannot be joined by oneself');
SELECT throws_ok(format('SELECT chatter.channel_join(%s, 602)', :random), 'CH004', NULL,
    'a non-member cannot add others');
SELECT throws_ok(format('SELECT chatter.channel_join(%s, 603)', :dm), 'CH004', NULL, 'nobody joins a Direct channel');
SELECT throws_ok('SELECT chatter.channel_join(424242, 603)', 'CH003', NULL, 'an unknown channel is CH003');
SET LOCAL chatter.user_id = '602';
SELECT lives_ok(format('SELECT chatter.channel_join(%s, 603)', :board), 'a member invites a user to a Private channel');
RESET chatter.user_id;
SELECT ok(EXISTS (SELECT FROM chatter.channel_members WHERE channel_id = :board AND user_id = 603), 'carol is in board');
SELECT lives_ok(format('SELECT chatter.channel_join(%s, 602)', :random), 'the system adds anyone');

-- channel_leave and channel_mute
SET LOCAL chatter.user_id = '603';
SELECT lives_ok(format('SELECT chatter.channel_leave(%s, 603)', :general), 'a member leaves');
SELECT throws_ok(format('SELECT chatter.channel_leave(%s, 603)', :general), 'CH004', NULL,
    'leaving a channel one is not in is CH004');
SELECT throws_ok(format('SELECT chatter.channel_leave(%s, 602)', :board), 'CH004', NULL,
    'one cannot make another user leave');
SELECT lives_ok(format('SELECT chatter.channel_mute(%s, 603)', :board), 'a member mutes a channel');
SELECT ok((SELECT is_muted FROM chatter.channel_members WHERE channel_id = :board AND user_id = 603), 'muted');
SELECT throws_ok(format('SELECT chatter.channel_mute(%s, 603)', :general), 'CH004', NULL,
    'muting a channel one is not in is CH004');
SET LOCAL chatter.user_id = '601';
SELECT throws_ok(format('SELECT chatter.channel_leave(%s, 601)', :dm), 'CH004', NULL, 'a Direct channel cannot be left');
RESET chatter.user_id;

-- channel_post
SET LOCAL chatter.user_id = '601';
SELECT chatter.channel_post(:general, 601, 'first') AS m1 \gset
SELECT chatter.channel_post(:general, 601, 'second') AS m2 \gset
SET LOCAL chatter.user_id = '602';
SELECT chatter.channel_join(:general, 602);
SELECT chatter.channel_post(:general, 602, 'third') AS m3 \gset
RESET chatter.user_id;
SELECT is((SELECT row(channel_id, author_id, message_type, model)::text FROM chatter.messages WHERE id = :m3),
    row(:general::bigint, 9102::bigint, 'Message'::chatter.message_type, NULL::text)::text,
    'a post is a Message in the channel, authored by the poster''s contact');
SELECT ok((SELECT last_message_at IS NOT NULL FROM chatter.channels WHERE id = :general), 'posting bumps last_message_at');
SELECT is((SELECT last_read_message FROM chatter.channel_members WHERE channel_id = :general AND user_id = 602),
    :m3::bigint, 'posting moves the poster''s read marker');
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 603, %L)', :general, 'hi'), 'CH004', NULL,
    'a non-member cannot post');
SET LOCAL chatter.user_id = '602';
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 601, %L)', :general, 'hi'), 'CH004', NULL,
    'one cannot post as another user');
RESET chatter.user_id;
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 601, %L)', :general, '  '), 'CH005', NULL,
    'an empty post is CH005');
SELECT throws_ok('SELECT chatter.channel_post(424242, 601, ''hi'')', 'CH003', NULL, 'posting to an unknown channel is CH003');
UPDATE chatter.channels SET is_archived = true WHERE id = :random;
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 601, %L)', :random, 'hi'), 'CH004', NULL,
    'posting to an archived channel is CH004');
SELECT throws_ok(format('SELECT chatter.channel_join(%s, 603)', :random), 'CH004', NULL, 'joining an archived channel is CH004');

-- channel_history
SELECT results_eq(format('SELECT id FROM chatter.channel_history(%s)', :general),
    format('VALUES (%s::bigint), (%s), (%s)', :m3, :m2, :m1), 'history is newest first');
SELECT results_eq(format('SELECT id FROM chatter.channel_history(%s, 2)', :general),
    format('VALUES (%s::bigint), (%s)', :m3, :m2), 'limit caps the page');
SELECT results_eq(format('SELECT id FROM chatter.channel_history(%s, 2, %s)', :general, :m2),
    format('VALUES (%s::bigint)', :m1), 'before_id pages back by id');
SELECT throws_ok(format('SELECT * FROM chatter.channel_history(%s, 0)', :general), 'CH005', NULL, 'limit 0 is CH005');
SELECT throws_ok('SELECT * FROM chatter.channel_history(424242)', 'CH003', NULL, 'history of an unknown channel is CH003');
SET LOCAL chatter.user_id = '603';
SELECT lives_ok(format('SELECT * FROM chatter.channel_history(%s)', :general), 'a Public channel is readable by anyone');
SELECT throws_ok(format('SELECT * FROM chatter.channel_history(%s)', :dm), 'CH004', NULL,
    'a DM is readable by its members only');
RESET chatter.user_id;

SELECT * FROM finish();
ROLLBACK;
