-- get_or_create_dm: one Direct channel per unordered pair (the race is tested in tests/test_direct_messages.py).
BEGIN;
SELECT plan(10);

INSERT INTO chatter.contacts (id, name) VALUES (9401, 'Alice Martin'), (9402, 'Bob Stone'), (9403, 'Carol Diaz');
INSERT INTO chatter.users (id, contact_id, username) VALUES (631, 9401, 'alice'), (632, 9402, 'bob'), (633, 9403, 'carol');

SELECT chatter.get_or_create_dm(631, 632) AS dm \gset
SELECT is(chatter.get_or_create_dm(631, 632), :dm::bigint, 'the same pair gets the same channel');
SELECT is(chatter.get_or_create_dm(632, 631), :dm::bigint, 'the pair is unordered');
SELECT is((SELECT row(kind, name, dm_user_low, dm_user_high)::text FROM chatter.channels WHERE id = :dm),
    row('Direct'::chatter.channel_kind, 'Alice Martin, Bob Stone'::text, 631::bigint, 632::bigint)::text,
    'a Direct channel named after its two people');
SELECT set_eq(format('SELECT user_id FROM chatter.channel_members WHERE channel_id = %s', :dm), ARRAY[631, 632]::bigint[],
    'both users are members');
SELECT isnt(chatter.get_or_create_dm(631, 633), :dm::bigint, 'another pair gets another channel');
SELECT throws_ok('SELECT chatter.get_or_create_dm(631, 631)', 'CH005', NULL, 'the same user twice is CH005');
SELECT throws_ok('SELECT chatter.get_or_create_dm(631, NULL)', 'CH005', NULL, 'a missing user is CH005');
SELECT throws_ok('SELECT chatter.get_or_create_dm(631, 999)', 'CH003', NULL, 'an unknown user is CH003');
SELECT throws_ok($$INSERT INTO chatter.channels (name, kind, dm_user_low, dm_user_high) VALUES ('dup', 'Direct', 631, 632)$$,
    '23505', NULL, 'the unique key refuses a second channel for a pair');
SET LOCAL chatter.user_id = '633';
SELECT throws_ok('SELECT chatter.get_or_create_dm(631, 632)', 'CH004', NULL,
    'one cannot open a DM between two other users');
RESET chatter.user_id;

SELECT * FROM finish();
ROLLBACK;
