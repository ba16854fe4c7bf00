-- Issue 25: the rules of a channel's shape (they were CHECKs of chatter.channels, now the channels_shape
-- trigger, so an UPDATE of last_message_at no longer compiles them): a name that is not blank; a Direct
-- channel has its ordered user pair, no other channel has one. The same SQLSTATE 23514 naming the rule.
BEGIN;
SELECT plan(10);

INSERT INTO chatter.contacts (id, name) VALUES (9821, 'Ann Shape'), (9822, 'Ben Shape');
INSERT INTO chatter.users (id, contact_id, username) VALUES (9921, 9821, 'ann_shape'), (9922, 9822, 'ben_shape');

SELECT throws_ok($$INSERT INTO chatter.channels (name) VALUES ('   ')$$, '23514',
                 'new row for relation "channels" violates check constraint "channels_name_check"',
                 'a blank channel name is refused, naming channels_name_check');
SELECT throws_ok($$INSERT INTO chatter.channels (name, kind, dm_user_low, dm_user_high) VALUES ('dm', 'Direct', 9922, 9921)$$,
                 '23514', 'new row for relation "channels" violates check constraint "channels_dm_pair_check"',
                 'a Direct channel''s pair is stored ordered (low < high)');
SELECT throws_ok($$INSERT INTO chatter.channels (name, dm_user_low, dm_user_high) VALUES ('pub', 9921, 9922)$$,
                 '23514', NULL, 'a Public channel has no user pair');
SELECT lives_ok($$INSERT INTO chatter.channels (name, kind, dm_user_low, dm_user_high) VALUES ('dm', 'Direct', 9921, 9922)$$,
                'a Direct channel with its ordered pair is accepted');

SELECT chatter.create_channel('shape room', 'Public', 9921) AS room \gset
SELECT throws_ok(format($$UPDATE chatter.channels SET name = '' WHERE id = %s$$, :room), '23514', NULL,
                 'renaming a channel to a blank name is refused');
SELECT throws_ok(format($$UPDATE chatter.channels SET kind = 'Direct', dm_user_low = 9922, dm_user_high = 9921
                           WHERE id = %s$$, :room), '23514', NULL, 'an UPDATE to an unordered pair is refused');
SELECT lives_ok(format($$UPDATE chatter.channels SET last_message_at = now() WHERE id = %s$$, :room),
                'last_message_at is written without the rules (the chat post''s UPDATE)');

-- Replicas' mode does not switch the rules off (the trigger fires always, as the CHECKs did).
SET LOCAL session_replication_role = replica;
SELECT throws_ok($$INSERT INTO chatter.channels (name) VALUES ('')$$, '23514', NULL,
                 'the rules hold with session_replication_role = replica');
RESET session_replication_role;

-- Through the API: create_channel refuses a blank name itself (CH005) before the rule.
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '9921';
SELECT throws_ok($$SELECT chatter.create_channel('  ', 'Public', 9921)$$, 'CH005', NULL,
                 'create_channel refuses a blank name (CH005)');
SELECT throws_ok(format($$UPDATE chatter.channels SET name = 'x' WHERE id = %s$$, :room), '42501', NULL,
                 'chatter_app cannot write channels directly');

SELECT * FROM finish();
ROLLBACK;
