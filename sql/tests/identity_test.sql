-- Contacts, users and the acting user of a transaction.
BEGIN;
SELECT plan(25);

SELECT has_table('chatter', 'contacts', 'contacts table');
SELECT columns_are('chatter', 'contacts', ARRAY['id', 'name', 'email', 'is_company', 'company_id', 'created_at'],
    'contacts columns');
SELECT has_table('chatter', 'users', 'users table');
SELECT columns_are('chatter', 'users', ARRAY['id', 'contact_id', 'username', 'notification', 'active', 'created_at', 'share'],
    'users columns');
SELECT col_is_unique('chatter', 'users', 'contact_id', 'a contact is at most one user');
SELECT col_default_is('chatter', 'users', 'notification', 'email', 'users are emailed by default');

INSERT INTO chatter.contacts (id, name, email) VALUES (9001, 'Alice Martin', 'alice@example.com'),
                                                      (9002, 'Bob Stone', NULL);
INSERT INTO chatter.users (id, contact_id, username, notification) VALUES (501, 9001, 'alice', 'inbox');

SELECT throws_ok($$INSERT INTO chatter.contacts (name) VALUES ('  ')$$, '23514', NULL, 'a contact needs a name');
SELECT throws_ok($$INSERT INTO chatter.contacts (name, email) VALUES ('X', 'not an email')$$, '23514', NULL,
    'a contact email must look like one');
SELECT throws_ok($$INSERT INTO chatter.users (contact_id, username) VALUES (9002, 'ALICE')$$, '23505', NULL,
    'usernames are unique case-insensitively');
SELECT throws_ok($$INSERT INTO chatter.users (contact_id, username) VALUES (9002, 'bob stone')$$, '23514', NULL,
    'a username is a single word');
SELECT throws_ok($$INSERT INTO chatter.users (contact_id, username, notification) VALUES (9002, 'bob', 'sms')$$,
    '23514', NULL, 'notification is email, inbox or none');
SELECT throws_ok($$INSERT INTO chatter.users (contact_id, username) VALUES (9001, 'alice2')$$, '23505', NULL,
    'one user per contact');
SELECT throws_ok($$DELETE FROM chatter.contacts WHERE id = 9001$$, '23503', NULL,
    'a contact with a user cannot be deleted');

-- The acting user
SELECT is(chatter.current_user_id(), NULL, 'no chatter.user_id: the system acts');
SET LOCAL chatter.user_id = '501';
SELECT is(chatter.current_user_id(), 501::bigint, 'SET LOCAL chatter.user_id names the acting user');
SELECT is(chatter.current_contact_id(), 9001::bigint, 'current_contact_id is the acting user''s contact');
SET LOCAL chatter.user_id = ' 501 ';
SELECT is(chatter.current_user_id(), 501::bigint, 'surrounding blanks are tolerated');
SET LOCAL chatter.user_id = '7';
SELECT throws_ok('SELECT chatter.current_user_id()', 'CH004', 'chatter.user_id 7 is not an active user',
    'an unknown user id is refused, not taken for someone');
SELECT throws_ok('SELECT chatter.current_contact_id()', 'CH004', NULL, 'and has no contact');
SET LOCAL chatter.user_id = '';
SELECT is(chatter.current_user_id(), NULL, 'an empty setting (after SET LOCAL ends) means the system');
SET LOCAL chatter.user_id = 'alice';
SELECT throws_ok('SELECT chatter.current_user_id()', 'CH005', NULL, 'a non-numeric user id is CH005');
SET LOCAL chatter.user_id = '99999999999999999999';
SELECT throws_ok('SELECT chatter.current_user_id()', 'CH005', NULL, 'an out-of-range user id is CH005');
RESET chatter.user_id;

SET LOCAL ROLE chatter_app;
SELECT throws_ok('SELECT chatter.current_user_id()', 'CH004', 'no acting user: set chatter.user_id',
    'chatter_app without an acting user is nobody, not the system');
SET LOCAL chatter.user_id = '501';
SELECT is(chatter.current_user_id(), 501::bigint, 'chatter_app may ask who acts');
RESET ROLE;
UPDATE chatter.users SET active = false WHERE id = 501;
SET LOCAL ROLE chatter_app;
SELECT throws_ok('SELECT chatter.current_user_id()', 'CH004', 'chatter.user_id 501 is not an active user',
    'a deactivated user acts as nobody');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
