-- Unread counts derived from read markers; mark_read never moves backwards.
BEGIN;
SELECT plan(16);

INSERT INTO chatter.contacts (id, name) VALUES (9201, 'Alice Martin'), (9202, 'Bob Stone'), (9203, 'Carol Diaz');
INSERT INTO chatter.users (id, contact_id, username) VALUES (611, 9201, 'alice'), (612, 9202, 'bob'), (613, 9203, 'carol');
SELECT chatter.create_channel('general', created_by => 611, members => '{612}') AS general \gset
SELECT chatter.create_channel('sales', created_by => 611, members => '{612}') AS sales \gset
SELECT chatter.create_channel('old', created_by => 611, members => '{612}') AS old \gset
SELECT chatter.channel_post(:general, 611, 'one') AS m1 \gset
SELECT chatter.channel_post(:general, 611, 'two') AS m2 \gset
SELECT chatter.channel_post(:general, 611, 'three') AS m3 \gset
SELECT chatter.channel_post(:sales, 611, 'deal') AS s1 \gset
SELECT chatter.channel_post(:old, 611, 'bygone') AS o1 \gset

SELECT hasnt_column('chatter', 'channel_members', 'unread', 'no stored counter');
SELECT is(chatter.unread_count(:general, 612), 3::bigint, 'everything is unread before reading');
SELECT is(chatter.unread_count(:general, 611), 0::bigint, 'one''s own posts are read');
SELECT chatter.mark_read(:general, 612, :m2);
SELECT is(chatter.unread_count(:general, 612), 1::bigint, 'messages after the marker are unread');
SELECT chatter.mark_read(:general, 612, :m1);
SELECT is((SELECT last_read_message FROM chatter.channel_members WHERE channel_id = :general AND user_id = 612),
    :m2::bigint, 'the read marker never moves backwards');
SELECT chatter.channel_mute(:sales, 612);
UPDATE chatter.channels SET is_archived = true WHERE id = :old;
SELECT results_eq(format('SELECT channel_id, unread, is_muted FROM chatter.unread_counts(612)'),
    format('VALUES (%s::bigint, 1::bigint, false), (%s, 1, true)', :general, :sales),
    'unread_counts: every channel but archived ones, with the mute flag');
SELECT chatter.mark_read(:general, 612);
SELECT is(chatter.unread_count(:general, 612), 0::bigint, 'mark_read defaults to the newest message');
SELECT chatter.channel_post(:general, 611, 'four') AS m4 \gset
SELECT is(chatter.unread_count(:general, 612), 1::bigint, 'a new post is unread for the others');
SELECT create_channel AS empty FROM chatter.create_channel('empty', created_by => 611) \gset
SELECT lives_ok(format('SELECT chatter.mark_read(%s, 611)', :empty), 'marking an empty channel read is harmless');
SELECT throws_ok(format('SELECT chatter.mark_read(%s, 612, %s)', :general, :s1), 'CH005', NULL,
    'a message of another channel is CH005');
SELECT throws_ok(format('SELECT chatter.mark_read(%s, 613)', :general), 'CH004', NULL, 'a non-member cannot mark read');
SELECT throws_ok(format('SELECT chatter.unread_count(%s, 613)', :general), 'CH004', NULL,
    'a non-member has no unread count');
SET LOCAL chatter.user_id = '611';
SELECT throws_ok('SELECT * FROM chatter.unread_counts(612)', 'CH004', NULL, 'one cannot read another user''s counts');
SELECT throws_ok(format('SELECT chatter.mark_read(%s, 612)', :general), 'CH004', NULL,
    'one cannot mark read for another user');
SET LOCAL ROLE chatter_app;
SELECT is((SELECT count(*) FROM chatter.unread_counts(611)), 3::bigint, 'chatter_app reads its own counts');
SELECT lives_ok(format('SELECT chatter.mark_read(%s, 611)', :general), 'chatter_app marks read');
RESET ROLE;
RESET chatter.user_id;

SELECT * FROM finish();
ROLLBACK;
