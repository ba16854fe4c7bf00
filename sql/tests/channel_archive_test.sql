-- Channel names (unique per kind, case-insensitively, for Public and Private channels) and
-- channel_archive / channel_unarchive (the creator or the system), as chatter_app under row-level security.
BEGIN;
SELECT plan(18);

INSERT INTO chatter.contacts (id, name) VALUES (9701, 'Alice Arch'), (9702, 'Bob Arch'), (9703, 'Paula Portal');
INSERT INTO chatter.users (id, contact_id, username, share) VALUES
    (971, 9701, 'alice_arch', false), (972, 9702, 'bob_arch', false), (973, 9703, 'paula_arch', true);

-- Names
SELECT chatter.create_channel('Lobby-Arch', 'Public', 971, '{972}') AS lobby \gset
SELECT chatter.create_channel('board-arch', 'Private', 971) AS board \gset
SELECT throws_ok($$SELECT chatter.create_channel('lobby-arch', 'Public', NULL)$$, '23505',
    'a Public channel named "lobby-arch" exists already', 'a second Public channel of the same name, in another case: refused');
SELECT throws_ok($$SELECT chatter.create_channel('  LOBBY-ARCH ', 'Public', NULL)$$, '23505', NULL,
    'blanks around the name do not make it another one');
SELECT lives_ok($$SELECT chatter.create_channel('lobby-arch', 'Private', NULL)$$,
    'the same name as a Private channel: another kind, allowed');
SELECT throws_ok($$INSERT INTO chatter.channels (name, kind) VALUES ('LOBBY-arch', 'Public')$$, '23505', NULL,
    'the unique index holds for a plain insert too (what decides under concurrency)');
SELECT throws_ok(format($$SELECT chatter.create_channel(%L, 'Public', NULL)$$, repeat('x', 256)), 'CH005',
    NULL, 'a name over chatter.limits channel_name_chars is CH005');
SELECT throws_like(format($$SELECT chatter.create_channel(%L, 'Public', NULL)$$, repeat('x', 256)),
    '%channel_name_chars%', 'the error names the limit');

-- Archive: as chatter_app, row-level security on.
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '972';
SELECT throws_ok(format('SELECT chatter.channel_archive(%s)', :lobby), 'CH004', NULL,
    'a member who did not create the channel may not archive it');
SELECT throws_ok(format('SELECT chatter.channel_archive(%s)', :board), 'CH003', NULL,
    'a Private channel one is not in does not exist for one: CH003');
SET LOCAL chatter.user_id = '973';
SELECT throws_ok(format('SELECT chatter.channel_archive(%s)', :lobby), 'CH003', NULL,
    'a portal user does not see a Public channel: CH003');
SET LOCAL chatter.user_id = '971';
SELECT lives_ok(format('SELECT chatter.channel_archive(%s)', :lobby), 'the creator archives it');
SELECT ok((SELECT is_archived FROM chatter.channels WHERE id = :lobby), 'archived');
SELECT throws_ok(format($$SELECT chatter.channel_post(%s, 971, 'hello')$$, :lobby), 'CH004', NULL,
    'posting to an archived channel is CH004');
SET LOCAL chatter.user_id = '972';
SELECT throws_ok(format('SELECT chatter.channel_unarchive(%s)', :lobby), 'CH004', NULL,
    'another member may not unarchive it either');
SET LOCAL chatter.user_id = '971';
SELECT lives_ok(format('SELECT chatter.channel_unarchive(%s)', :lobby), 'the creator unarchives it');
SELECT lives_ok(format($$SELECT chatter.channel_post(%s, 971, 'back')$$, :lobby), 'and it takes posts again');
SELECT chatter.get_or_create_dm(971, 972) AS dm \gset
SELECT throws_ok(format('SELECT chatter.channel_archive(%s)', :dm), 'CH004', NULL, 'a Direct channel is not archived');
SELECT throws_ok('SELECT chatter._channel_set_archived(99999999, true)', 'CH003', NULL, 'no such channel: CH003');
RESET ROLE;
SET LOCAL chatter.user_id = '';
SELECT lives_ok(format('SELECT chatter.channel_archive(%s)', :board), 'the system (no acting user) may');
SELECT * FROM finish();
ROLLBACK;
