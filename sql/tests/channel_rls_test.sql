-- Row-level security: private channels, DMs and their messages are visible to their members only.
BEGIN;
SELECT plan(17);

INSERT INTO chatter.contacts (id, name) VALUES (9301, 'Alice Martin'), (9302, 'Bob Stone'), (9303, 'Carol Diaz');
INSERT INTO chatter.users (id, contact_id, username) VALUES (621, 9301, 'alice'), (622, 9302, 'bob'), (623, 9303, 'carol');
SELECT chatter.create_channel('general', created_by => 621) AS general \gset
SELECT chatter.create_channel('board', 'Private', created_by => 621, members => '{622}') AS board \gset
SELECT chatter.get_or_create_dm(621, 622) AS dm \gset
SELECT chatter.channel_post(:general, 621, 'hello all') AS pub \gset
SELECT chatter.channel_post(:board, 621, 'board secret') AS priv \gset
SELECT chatter.channel_post(:dm, 622, 'just us') AS direct \gset
CREATE TABLE public.leads (id int PRIMARY KEY, name text);
INSERT INTO public.leads VALUES (1, 'Lead');
SELECT chatter.enable('leads', track => false);
GRANT SELECT ON public.leads TO chatter_app;   -- its feed is readable (record_rls)
INSERT INTO chatter.messages (model, document, body) VALUES ('leads', 1, 'a record message') RETURNING id AS rec \gset

SELECT policies_are('chatter', 'channels', ARRAY['channels_visible'], 'channels have one policy');
SELECT policies_are('chatter', 'messages', ARRAY['messages_app', 'messages_channel_read', 'messages_channel_write',
                                            'messages_record_read'],
    'messages policies');
SELECT table_privs_are('chatter', 'channels', 'chatter_app', ARRAY['SELECT'], 'chatter_app only reads channels');
SELECT table_privs_are('chatter', 'channel_members', 'chatter_app', ARRAY['SELECT'], 'chatter_app only reads members');

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '623';
SELECT set_eq('SELECT id FROM chatter.channels', ARRAY[:general]::bigint[], 'an outsider sees Public channels only');
SELECT set_eq('SELECT id FROM chatter.messages', ARRAY[:pub, :rec]::bigint[],
    'an outsider sees Public chat and record messages only');
SELECT is_empty(format('SELECT FROM chatter.channel_members WHERE channel_id IN (%s, %s)', :board, :dm),
    'an outsider does not see who is in a private channel or a DM');
SELECT throws_ok(format('SELECT * FROM chatter.channel_history(%s)', :board), 'CH003', NULL,
    'a private channel is not even found by an outsider');
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 623, %L)', :board, 'let me in'), 'CH004', NULL,
    'an outsider cannot post to a private channel');
SET LOCAL chatter.user_id = '622';
SELECT set_eq('SELECT id FROM chatter.channels', ARRAY[:general, :board, :dm]::bigint[],
    'a member sees her private channels and DMs');
SELECT set_eq('SELECT id FROM chatter.messages', ARRAY[:pub, :priv, :direct, :rec]::bigint[],
    'a member sees their messages');
SELECT is((SELECT count(*) FROM chatter.channel_members WHERE channel_id = :board), 2::bigint,
    'a member sees the member list');
SELECT results_eq(format('SELECT id FROM chatter.channel_history(%s)', :dm), format('VALUES (%s::bigint)', :direct),
    'a member reads the DM history');
RESET chatter.user_id;
SELECT throws_ok('SELECT id FROM chatter.channels', 'CH004', NULL,
    'without an acting user chatter_app reads no channel at all: it fails closed');
RESET ROLE;

-- Should an application ever be granted INSERT on messages, chat rows still need membership.
GRANT INSERT ON chatter.messages TO chatter_app;
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '623';
SELECT throws_ok(format('INSERT INTO chatter.messages (channel_id, body) VALUES (%s, %L)', :board, 'sneaky'),
    '42501', NULL, 'a direct INSERT into a channel one is not in is refused by the policy');
SET LOCAL chatter.user_id = '622';
SELECT lives_ok(format('INSERT INTO chatter.messages (channel_id, body) VALUES (%s, %L)', :board, 'fine'),
    'a member''s direct INSERT passes the policy');
RESET chatter.user_id;
RESET ROLE;
SELECT throws_ok(format('INSERT INTO chatter.messages (channel_id, model, document, body) VALUES (%s, %L, 1, %L)',
                        :general, 'leads', 'both'),
    '23514', NULL, 'a message is in a channel or on a record, not both');

SELECT * FROM finish();
ROLLBACK;
