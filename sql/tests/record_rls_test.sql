-- Row-level security of record feeds, table privileges: chatter_app reads the feeds, followers, attachments
-- and activities of records it may read, and nothing else of them: not its own messages there, not those it
-- was notified of (SPEC 2a; row-level security of the application's table: rights_test.sql).
BEGIN;
SELECT plan(31);

INSERT INTO chatter.contacts (id, name, email) VALUES
    (9701, 'Alice Rls', 'alice@rls.invalid'), (9702, 'Bob Rls', 'bob@rls.invalid'), (9703, 'Carol Rls', NULL);
INSERT INTO chatter.users (id, contact_id, username) VALUES (771, 9701, 'alice_rls'), (772, 9702, 'bob_rls'),
    (773, 9703, 'carol_rls');
CREATE TABLE public.deals (id int PRIMARY KEY, name text);
CREATE TABLE public.payroll (id int PRIMARY KEY, name text);
INSERT INTO public.deals VALUES (1, 'Big deal');
INSERT INTO public.payroll VALUES (1, 'March payroll');
SELECT chatter.enable('deals', track => false);
SELECT chatter.enable('payroll', track => false);
GRANT SELECT ON public.deals TO chatter_app;           -- deals' chatter is readable, payroll's is not

SELECT chatter.create_message('deal news', model => 'deals', document => 1) AS deal_msg \gset
SELECT chatter.create_message('salaries', model => 'payroll', document => 1) AS pay_msg \gset
SELECT chatter.add_attachment('bob.pdf', '\x03') AS bob_file \gset
SELECT chatter.create_message('for bob only', model => 'payroll', document => 1, contacts => '{9702}',
                              attachments => ARRAY[:bob_file]::bigint[]) AS pay_bob \gset
SET LOCAL chatter.user_id = '771';
SELECT chatter.create_message('alice wrote this', model => 'payroll', document => 1) AS pay_alice \gset
RESET chatter.user_id;
SELECT chatter.subscribe('payroll', 1, '{9703}');
SELECT chatter.subscribe('deals', 1, '{9703}');
SELECT chatter.add_attachment('deal.txt', '\x01', model => 'deals', document => 1) AS deal_file \gset
SELECT chatter.add_attachment('pay.txt', '\x02', model => 'payroll', document => 1) AS pay_file \gset
SELECT chatter.schedule_activity('payroll', 1, 'activity_todo', 773, 'Check payroll') AS pay_act \gset
SELECT chatter.schedule_activity('payroll', 1, 'activity_todo', 772, 'Bob checks payroll') AS pay_act_bob \gset
SELECT chatter.schedule_activity('deals', 1, 'activity_call', 772, 'Call about the deal') AS deal_act \gset

SELECT policies_are('chatter', 'followers', ARRAY['followers_visible'], 'followers have one policy');
SELECT policies_are('chatter', 'attachments', ARRAY['attachments_visible'], 'attachments have one policy');
SELECT policies_are('chatter', 'activities', ARRAY['activities_read', 'activities_insert', 'activities_update', 'activities_delete'],
    'activities have a policy per command');
SELECT is_empty($$SELECT c.relname FROM pg_class c
                   WHERE c.relnamespace = 'chatter'::regnamespace AND c.relkind = 'r'
                     AND has_table_privilege('chatter_app', c.oid, 'SELECT') AND NOT c.relrowsecurity
                     AND c.relname NOT IN ('contacts', 'users', 'models', 'subtypes', 'activity_types',
                                           'error_codes', 'track_overrides', 'limits')$$,
    'every chatter table chatter_app reads has row-level security, but the shared directories');

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '773';
SELECT is((SELECT string_agg(body, ',' ORDER BY id) FROM chatter.messages WHERE model IN ('deals', 'payroll')),
    'deal news', 'an outsider to payroll reads the deal feed only');
SELECT is((SELECT string_agg(body, ',' ORDER BY id) FROM chatter.record_feed('deals', 1)), 'deal news',
    'record_feed returns a readable feed');
SELECT throws_ok($$SELECT * FROM chatter.record_feed('payroll', 1)$$, 'CH003', NULL,
    'record_feed of an unreadable model is not found');
SELECT throws_ok($$SELECT chatter.check_record_readable('deals', 99)$$, 'CH003', NULL,
    'a missing record is not found');
SELECT lives_ok($$SELECT chatter.check_record_readable('deals', 1)$$, 'a readable record passes the check');
SELECT is((SELECT string_agg(model || ':' || coalesce(contact_id, 0), ',' ORDER BY model)
             FROM chatter.followers WHERE document = 1 AND model IN ('deals', 'payroll')),
    'deals:9703', 'followers: of readable records only, one''s own subscriptions elsewhere included');
SELECT is((SELECT string_agg(name, ',' ORDER BY id) FROM chatter.attachments WHERE id IN (:deal_file, :pay_file)),
    'deal.txt', 'attachments of unreadable records are hidden');
SELECT is((SELECT string_agg(name, ',' ORDER BY id) FROM chatter.activities WHERE id IN (:pay_act, :pay_act_bob, :deal_act)),
    'Call about the deal', 'activities: those on readable records, even one''s own elsewhere hidden');
SELECT throws_ok($$SELECT chatter.schedule_activity('payroll', 1, 'activity_call', 773)$$, 'CH003',
    'payroll #1 not found', 'no new activity on an unreadable record: not found, as a missing one');
SELECT lives_ok($$SELECT chatter.schedule_activity('deals', 1, 'activity_call', 773)$$,
    'a new activity on a readable record');
SELECT throws_ok('SELECT * FROM chatter.api_tokens', '42501', NULL, 'chatter_app cannot read the token table');
SELECT is((SELECT count(*) FROM chatter.message_recipients WHERE message_id = :pay_bob), 0::bigint,
    'recipients of a message one cannot read are hidden');

SET LOCAL chatter.user_id = '772';
SELECT is((SELECT string_agg(body, ',' ORDER BY id) FROM chatter.messages WHERE model = 'payroll'), NULL,
    'a recipient of a message on a record he cannot read does not read it');
SELECT is((SELECT count(*) FROM chatter.inbox WHERE message_id = :pay_bob), 0::bigint,
    'nor finds it in his inbox');
SELECT is((SELECT string_agg(contact_id::text, ',') FROM chatter.message_recipients WHERE message_id = :pay_bob), NULL,
    'nor its recipients');
SELECT is((SELECT count(*) FROM chatter.message_attachments WHERE message_id = :pay_bob), 0::bigint,
    'nor the attachments it carries');
SELECT is((SELECT string_agg(m.body, ',') FROM chatter.inbox AS i JOIN chatter.messages AS m ON m.id = i.message_id
            WHERE i.message_id = :pay_msg), NULL, 'nobody else''s notification reaches him');

SET LOCAL chatter.user_id = '771';
SELECT is((SELECT string_agg(body, ',' ORDER BY id) FROM chatter.messages WHERE model = 'payroll'), NULL,
    'an author does not read her own message on a record she can no longer read');

RESET chatter.user_id;
SELECT throws_ok($$SELECT count(*) FROM chatter.messages WHERE model = 'payroll'$$, 'CH004', NULL,
    'without an acting user chatter_app reads nothing: it fails closed');
RESET ROLE;

-- create_message runs past row-level security: it applies the attachment rule on the caller's behalf.
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '773';
SELECT chatter.add_attachment('carol.txt', '\x04') AS carol_file \gset
SELECT chatter.add_attachment('carol-draft.txt', '\x05') AS carol_draft \gset
SELECT lives_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1, attachments => ARRAY[%s, %s]::bigint[])',
                       'files', 'deals', :deal_file, :carol_file),
    'one attaches the files of a readable record and one''s own uploads');
SELECT throws_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1, attachments => ARRAY[%s]::bigint[])',
                        'leak', 'deals', :pay_file),
    'CH003', format('attachment %s not found', :pay_file), 'not a file of a record one cannot read');
SELECT throws_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1, attachments => ARRAY[%s]::bigint[])',
                        'leak', 'deals', :bob_file),
    'CH003', NULL, 'nor a file carried by a message one cannot read');
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'deals', document => 1, attachments => '{987654321}')$$,
    'CH003', 'attachment 987654321 not found', 'a missing file gets the same answer');
SET LOCAL chatter.user_id = '772';
SELECT throws_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1, attachments => ARRAY[%s]::bigint[])',
                        'leak', 'deals', :carol_draft),
    'CH003', NULL, 'nor someone else''s loose upload');
SELECT throws_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1, attachments => ARRAY[%s]::bigint[])',
                       'forward', 'deals', :bob_file),
    'CH003', NULL,
    'a file of another record cannot be passed on, even of a message one was notified of');
RESET ROLE;
SELECT lives_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1, attachments => ARRAY[%s]::bigint[])',
                       'system', 'deals', :pay_file),
    'the system (a role outside chatter_app''s policies) attaches any file');

GRANT SELECT ON public.payroll TO chatter_app;
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '773';
SELECT is((SELECT count(*) FROM chatter.messages WHERE model = 'payroll'), 3::bigint,
    'granting SELECT on the table opens its feed');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
