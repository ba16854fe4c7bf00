-- Issue 25: the acting user's rule runs flat in current_user_id, current_contact_id and _acting_as (one
-- code template, chatter._acting_user_sql). The three answer alike, as chatter_app under row-level
-- security: unset, malformed, unknown, deactivated, someone else.
BEGIN;
SELECT plan(14);

INSERT INTO chatter.contacts (id, name) VALUES (9831, 'Ann Acting'), (9832, 'Ben Acting');
INSERT INTO chatter.users (id, contact_id, username) VALUES (9931, 9831, 'ann_acting'), (9932, 9832, 'ben_acting');
SELECT chatter.create_channel('acting room', 'Public', 9931, ARRAY[9932]::bigint[]) AS room \gset

SET LOCAL ROLE chatter_app;
SELECT throws_ok('SELECT chatter._acting_as(9931)', 'CH004', 'no acting user: set chatter.user_id',
                 '_acting_as: chatter_app without an acting user is refused');
SELECT is(chatter.current_contact_id(), NULL, 'current_contact_id: no acting user is no author, not an error');
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 9931, %L)', :room, 'hi'), 'CH004', NULL,
                 'a post without an acting user is refused');
SET LOCAL chatter.user_id = 'ann';
SELECT throws_ok('SELECT chatter._acting_as(9931)', 'CH005', NULL, '_acting_as: a non-numeric user id is CH005');
SELECT throws_ok('SELECT chatter.current_contact_id()', 'CH005', NULL, 'current_contact_id: so is it here');
SET LOCAL chatter.user_id = '7';
SELECT throws_ok('SELECT chatter._acting_as(7)', 'CH004', 'chatter.user_id 7 is not an active user',
                 '_acting_as: an unknown user acts as nobody');
SET LOCAL chatter.user_id = '9931';
SELECT lives_ok('SELECT chatter._acting_as(9931)', '_acting_as: one may act for oneself');
SELECT throws_ok('SELECT chatter._acting_as(9932)', 'CH004', 'user 9931 cannot act for user 9932',
                 '_acting_as: not for someone else');
SELECT throws_ok('SELECT chatter._acting_as(NULL)', 'CH005', 'a user is required', '_acting_as: a user is required');
SELECT is(chatter.current_contact_id(), 9831::bigint, 'current_contact_id is the acting user''s contact');
SELECT is(chatter.current_user_id(), 9931::bigint, 'current_user_id is the acting user');
RESET ROLE;
UPDATE chatter.users SET active = false WHERE id = 9931;
SET LOCAL ROLE chatter_app;
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 9931, %L)', :room, 'hi'), 'CH004',
                 'chatter.user_id 9931 is not an active user', 'a deactivated user cannot post');
RESET ROLE;

-- The system (no acting user, not bound by chatter_app) may name anyone.
RESET chatter.user_id;
SELECT lives_ok('SELECT chatter._acting_as(9932)', '_acting_as: the system may act for any user');
SELECT is(chatter.current_user_id(), NULL, 'current_user_id: the system is NULL');

SELECT * FROM finish();
ROLLBACK;
