-- Unread counts derived from read markers; mark_read never moves backwards.
BEGIN;
SELECT plan(27);

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

-- Capped counts (issue 26): past chatter._count_cap() (100) a count is the cap, so its cost is bounded by
-- the cap, not by the backlog; chatter.count_cap asks for another cap, 0 or 'exact' for the exact count.
SELECT chatter.mark_read(:sales, 611);
INSERT INTO chatter.messages (channel_id, author_id, body) SELECT :sales, 9202, 'flood ' || g FROM generate_series(1, 99) AS g;
SELECT is(chatter.unread_count(:sales, 611), 99::bigint, 'below the cap: exact');
INSERT INTO chatter.messages (channel_id, author_id, body) VALUES (:sales, 9202, 'the hundredth');
SELECT is(chatter.unread_count(:sales, 611), 100::bigint, 'at the cap: exact');
INSERT INTO chatter.messages (channel_id, author_id, body) SELECT :sales, 9202, 'more ' || g FROM generate_series(1, 150) AS g;
SELECT is(chatter.unread_count(:sales, 611), 100::bigint, 'past the cap: the cap (100 or more)');
SELECT is((SELECT unread FROM chatter.unread_counts(611) WHERE channel_id = :sales), 100::bigint,
    'unread_counts stops at the cap too');
SET LOCAL chatter.count_cap = 'exact';
SELECT is(chatter.unread_count(:sales, 611), 250::bigint, 'chatter.count_cap = exact: the exact count');
SELECT is((SELECT unread FROM chatter.unread_counts(611) WHERE channel_id = :sales), 250::bigint,
    'unread_counts exact on request');
SET LOCAL chatter.count_cap = '10';
SELECT is(chatter.unread_count(:sales, 611), 10::bigint, 'another cap on request');
SET LOCAL chatter.count_cap = 'lots';
SELECT throws_ok(format('SELECT chatter.unread_count(%s, 611)', :sales), 'CH005', NULL, 'a cap that is no number is CH005');
RESET chatter.count_cap;

-- The bell: the same cap.
INSERT INTO chatter.notifications (message_id, contact_id, user_id)
    SELECT x.id, 9201, 611 FROM chatter.messages AS x WHERE x.channel_id = :sales AND x.body LIKE 'more %';
SET LOCAL chatter.user_id = '611';
SET LOCAL ROLE chatter_app;
SELECT is(chatter.inbox_count(), 100::bigint, 'inbox_count past the cap: the cap');
SET LOCAL chatter.count_cap = '0';
SELECT is(chatter.inbox_count(), 150::bigint, 'inbox_count exact on request');
RESET chatter.count_cap;
SELECT is(chatter.unread_count(:sales, 611), 100::bigint, 'as chatter_app, capped as well');
RESET ROLE;
RESET chatter.user_id;

SELECT * FROM finish();
ROLLBACK;
