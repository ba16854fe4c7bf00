-- Messages, followers, mentions, audiences, notifications and attachments (SPEC section 5).
BEGIN;
SELECT plan(60);

INSERT INTO chatter.contacts (id, name, email) VALUES
    (9001, 'Alice Martin', 'alice@example.com'), (9002, 'Bob Stone', 'bob@example.com'),
    (9003, 'Carol Quiet', 'carol@example.com'), (9004, 'Dave Outside', 'dave@example.com'),
    (9005, 'Erin Field', 'erin@example.com'), (9006, 'Customer Co', 'buyer@customer.test'),
    (9007, 'No Mail', NULL);
INSERT INTO chatter.users (id, contact_id, username, notification) VALUES
    (1, 9001, 'alice', 'email'), (2, 9002, 'bob', 'inbox'), (3, 9003, 'carol', 'none'),
    (5, 9005, 'erin', 'email'), (7, 9007, 'nomail', 'email');
CREATE TABLE public.leads (id int PRIMARY KEY, name text, contact_id bigint REFERENCES chatter.contacts,
                           email_from text);
INSERT INTO public.leads VALUES (1, 'Big deal', 9006, 'Walk-In <b>@x'), (2, 'Other', NULL, 'new.person@lead.test'),
                                (3, 'Quiet', NULL, NULL);
SELECT chatter.enable('leads', contact_columns => '{contact_id,email_from}');
SET LOCAL chatter.tracking = 'off';

-- Followers
SELECT lives_ok($$SELECT chatter.subscribe('leads', 1, '{9002,9005}')$$, 'subscribe two contacts');
SELECT is((SELECT array_agg(id ORDER BY id) FROM chatter.record_followers('leads', 1)), '{9002,9005}'::bigint[],
    'record_followers returns them');
SELECT throws_ok($$SELECT chatter.subscribe('leads', 99, '{9002}')$$, 'CH003', NULL, 'following a missing record: CH003');
SELECT throws_ok($$SELECT chatter.subscribe('nope', 1, '{9002}')$$, 'CH003', NULL, 'following an unknown model: CH003');
SELECT throws_ok($$SELECT chatter.subscribe('leads', 1, '{123456}')$$, 'CH005', NULL, 'an unknown contact: CH005');
SELECT throws_ok($$SELECT chatter.subscribe('leads', 1, '{9002}', '{nope}')$$, 'CH005', NULL, 'an unknown subtype: CH005');

-- A Message: followers of the subtype + record contacts, minus the author, in-app for users
SET LOCAL chatter.user_id = '1';
SELECT chatter.create_message('<p>Hello</p>', model => 'leads', document => 1) AS m1 \gset
SELECT is((SELECT array_agg(contact_id ORDER BY contact_id) FROM chatter.notifications WHERE message_id = :m1),
    '{9002,9005}'::bigint[], 'in-app notifications for the followers; no email, so not for email-only contacts');
SELECT ok((SELECT bool_and(email_status = 'none') FROM chatter.notifications WHERE message_id = :m1),
    'without send nothing is emailed');
SELECT is((SELECT count(*)::int FROM chatter.outbox), 0, 'and no email job is queued');
SELECT ok(EXISTS (SELECT FROM chatter.followers WHERE model = 'leads' AND document = 1 AND contact_id = 9001),
    'the author of a Message becomes a follower');
SELECT is((SELECT author_id FROM chatter.messages WHERE id = :m1), 9001::bigint, 'authored by the acting user''s contact');
SELECT is((SELECT array_agg(contact_id ORDER BY contact_id) FROM chatter.message_audience(:m1)),
    '{9002,9005,9006}'::bigint[], 'the audience includes the record''s contact (emailable only)');
SELECT is((SELECT via FROM chatter.message_audience(:m1) WHERE contact_id = 9006), '{record}'::text[],
    'message_audience says why');

-- send => true: email those who allow it
SELECT chatter.create_message('<p>Offer</p>', model => 'leads', document => 1, send => true) AS m2 \gset
SELECT is((SELECT array_agg(contact_id ORDER BY contact_id) FROM chatter.notifications
            WHERE message_id = :m2 AND email_status = 'pending'),
    '{9005,9006}'::bigint[], 'emails: follower with email preference, record contact; not the inbox-only follower');
SELECT is((SELECT email_status FROM chatter.notifications WHERE message_id = :m2 AND contact_id = 9002), 'none',
    'the inbox-only user is notified in-app only');
SELECT is((SELECT array_agg(email ORDER BY email) FROM chatter.outbox o JOIN chatter.notifications n ON n.id = o.notification_id
            WHERE n.message_id = :m2), '{buyer@customer.test,erin@example.com}'::text[],
    'one email job per emailed recipient, in the same transaction');
SELECT ok((SELECT user_id IS NULL FROM chatter.notifications WHERE message_id = :m2 AND contact_id = 9006),
    'a contact without a login has no inbox entry');
SELECT chatter.create_message('Hi', model => 'leads', document => 2, send => true) AS m3 \gset
SELECT is((SELECT c.email FROM chatter.notifications n JOIN chatter.contacts c ON c.id = n.contact_id
            WHERE n.message_id = :m3 AND n.email_status = 'pending'), 'new.person@lead.test',
    'an email column with no contact: a contact is created for the address and emailed');

-- CH001: send with nobody to email, and nothing written
SELECT is((SELECT count(*)::int FROM chatter.messages), 3, 'three messages so far');
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'leads', document => 3, send => true)$$, 'CH001', NULL,
    'send => true with no email recipient is CH001');
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'leads', document => 3, contacts => '{9007,9002}', send => true)$$,
    'CH001', NULL, 'recipients without an address or allowing no email are no email recipients');
SELECT is((SELECT count(*)::int FROM chatter.messages), 3, 'and nothing was written');

-- Mentions
SELECT chatter.create_message('Ping @BOB, @"dave outside" and @[5]; mail me at x@alice.test', model => 'leads', document => 3,
                              send => true) AS m4 \gset
SELECT is((SELECT array_agg(contact_id ORDER BY contact_id) FROM chatter.notifications WHERE message_id = :m4),
    '{9002,9004,9005}'::bigint[], 'mentions by @username, @"Full Name" and @[user id], case-insensitive; no email address');
SELECT is(ARRAY(SELECT chatter._mentioned_contacts('<p>@&quot;Dave&nbsp;<b>Outside</b>&quot; &#64;bob @<i>x</i></p>')
                ORDER BY 1), '{9002,9004}'::bigint[],
    'mentions are found in the text: entities decoded (&quot; &nbsp; &#64;), tags gone');
SELECT is((SELECT array_agg(contact_id ORDER BY contact_id) FROM chatter.notifications
            WHERE message_id = :m4 AND email_status = 'pending'), '{9004,9005}'::bigint[],
    'mentioned contacts with an email and a preference that allows it are emailed');
SELECT chatter.create_message('Hey @carol', model => 'leads', document => 3) AS m5 \gset
SELECT is((SELECT count(*)::int FROM chatter.notifications WHERE message_id = :m5), 0,
    'a user whose preference is none is not notified');

-- Notes and Tracking
SELECT chatter.create_message('Internal: ask @bob', message_type => 'Note', model => 'leads', document => 1, send => true) AS m6 \gset
SELECT is((SELECT array_agg(contact_id) FROM chatter.notifications WHERE message_id = :m6), '{9002}'::bigint[],
    'a Note notifies only the mentioned users, not the followers');
SELECT is((SELECT count(*)::int FROM chatter.notifications WHERE message_id = :m6 AND email_status <> 'none'), 0,
    'a Note is never emailed');
SELECT chatter.create_message('x @bob', message_type => 'Tracking', model => 'leads', document => 1) AS m7 \gset
SELECT is((SELECT count(*)::int FROM chatter.notifications WHERE message_id = :m7), 0, 'Tracking notifies no one');

-- Errors
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'nope', document => 1)$$, 'CH003', NULL, 'unknown model: CH003');
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'leads', document => 42)$$, 'CH003', NULL, 'missing record: CH003');
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'leads')$$, 'CH005', NULL, 'a model without a document: CH005');
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'leads', document => 1, subtype => 'nope')$$, 'CH005', NULL,
    'unknown subtype: CH005');
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'leads', document => 1, author => 9002)$$, 'CH004', NULL,
    'an application user cannot write as someone else');

-- Custom subtypes and per-subtype subscriptions
INSERT INTO chatter.subtypes (identifier, name, is_default, model) VALUES ('lead_won', 'Lead won', false, 'leads');
SELECT chatter.subscribe('leads', 2, '{9002}', '{lead_won}');
SELECT chatter.subscribe('leads', 2, '{9005}');
SELECT chatter.create_message('Regular', model => 'leads', document => 2) AS m8 \gset
SELECT chatter.create_message('Won!', model => 'leads', document => 2, subtype => 'lead_won') AS m9 \gset
SELECT is((SELECT array_agg(contact_id ORDER BY contact_id) FROM chatter.notifications WHERE message_id = :m8),
    '{9005}'::bigint[], 'a follower subscribed to lead_won only is not told of a comment');
SELECT is((SELECT array_agg(contact_id ORDER BY contact_id) FROM chatter.notifications WHERE message_id = :m9),
    '{9002}'::bigint[], 'and is told of a lead_won message, which default followers do not get');

-- Channels as followers
RESET chatter.user_id;
SELECT chatter.create_channel('sales', 'Public', 1, '{1,2,5}') AS sales \gset
SELECT chatter.subscribe_channel('leads', 3, :sales);
SET LOCAL chatter.user_id = '5';
SELECT chatter.create_message('Channel hello', model => 'leads', document => 3) AS m10 \gset
SELECT is((SELECT array_agg(contact_id ORDER BY contact_id) FROM chatter.notifications WHERE message_id = :m10),
    '{9001,9002}'::bigint[], 'a following channel''s members are notified (minus the author)');
SELECT ok((SELECT array_agg(id) @> '{9001,9002,9005}' FROM chatter.record_followers('leads', 3)),
    'record_followers includes channel members');

-- Mentions in chat notify the mentioned members only
SET LOCAL chatter.user_id = '1';
SELECT chatter.channel_post(:sales, 1, 'Hi @bob and @carol and @dave') AS c1 \gset
SELECT is((SELECT array_agg(contact_id) FROM chatter.notifications WHERE message_id = :c1), '{9002}'::bigint[],
    'a channel mention notifies the mentioned member (carol: preference none; dave: not a member)');
SELECT chatter.create_channel('private', 'Private', 1, '{1}') AS priv \gset
SELECT chatter.channel_post(:priv, 1, 'Secret for @bob') AS c2 \gset
SELECT is((SELECT count(*)::int FROM chatter.notifications WHERE message_id = :c2), 0,
    'a mention never leaks a private channel''s message to a non-member');

-- log_message and notify
SELECT chatter.log_message('leads', 1, 'Background job done @bob') AS m11 \gset
SELECT is((SELECT message_type::text FROM chatter.messages WHERE id = :m11), 'Note', 'log_message stores a Note');
SELECT is((SELECT count(*)::int FROM chatter.notifications WHERE message_id = :m11), 0, 'and notifies no one');
SELECT lives_ok($$SELECT chatter.notify('leads', 1, 'Approval needed', '{9002,9004}', 'Approve')$$, 'notify');
SELECT is((SELECT count(*)::int FROM chatter.messages WHERE body = 'Approval needed' AND in_feed), 0,
    'notify adds nothing to the record''s feed');
SELECT is((SELECT array_agg(n.contact_id ORDER BY n.contact_id) FROM chatter.notifications n JOIN chatter.messages m ON m.id = n.message_id
            WHERE m.body = 'Approval needed'), '{9002,9004}'::bigint[], 'but notifies the named contacts');

-- Payload
UPDATE chatter.messages SET body = '<p>Tom &amp; Jerry  <b>ship</b></p>' WHERE id = :m1;
SELECT is(chatter.notification_payload(:m1),
    jsonb_build_object('kind', 'message', 'model', 'leads', 'document', 1, 'message_id', :m1::bigint,
                       'title', 'Alice Martin', 'body', 'Tom & Jerry ship'),
    'payload: kind, model, document, message_id, author name as title, text content as body');
UPDATE chatter.messages SET subject = repeat('s', 200), author_id = NULL, from_email = 'x@y.test' WHERE id = :m1;
SELECT is(chatter.notification_payload(:m1)->>'body', repeat('s', 140), 'the subject wins, cut to 140 characters');
SELECT is(chatter.notification_payload(:m1)->>'title', 'x@y.test', 'no author: from_email');
UPDATE chatter.messages SET from_email = NULL WHERE id = :m1;
SELECT is(chatter.notification_payload(:m1)->>'title', 'Someone', 'neither: Someone');
SELECT throws_ok('SELECT chatter.notification_payload(-1)', 'CH003', NULL, 'payload of a missing message: CH003');
UPDATE chatter.messages SET subject = NULL, body = '<p>if a &lt;b&gt; &amp;amp; c</p>' WHERE id = :m1;
SELECT is(chatter.notification_payload(:m1)->>'body', 'if a ‹b› &amp; c',
    'the preview is text and never markup: escaped angle brackets become angle quotation marks');

-- Attachments
SELECT chatter.add_attachment('quote.pdf', '\x255044462d'::bytea, 'application/pdf', 'leads', 1) AS a1 \gset
SELECT is((SELECT size FROM chatter.attachments WHERE id = :a1), 5::bigint, 'add_attachment stores the file and its size');
SELECT throws_ok($$SELECT chatter.add_attachment('../etc/passwd', 'x')$$, 'CH005', NULL, 'a path is not a file name');
SELECT chatter.create_message('See attached', model => 'leads', document => 1, attachments => ARRAY[:a1]::bigint[]) AS m12 \gset
SELECT is((SELECT attachment_id FROM chatter.message_attachments WHERE message_id = :m12), :a1::bigint,
    'create_message links attachments');

-- Inbox, bell, mark as read, row-level security
SET LOCAL chatter.user_id = '2';
SET LOCAL ROLE chatter_app;
SELECT ok((SELECT count(*) > 0 FROM chatter.inbox), 'the inbox lists the acting user''s notifications');
SELECT is((SELECT count(*) FROM chatter.notifications WHERE user_id <> 2), 0::bigint,
    'row-level security: nobody sees another user''s notifications');
SELECT is(chatter.inbox_count(), (SELECT count(*) FROM chatter.inbox WHERE NOT is_read), 'bell count = unread inbox entries');
SELECT throws_ok('SELECT chatter.inbox_count(5)', 'CH004', NULL, 'another user''s bell: CH004');
SELECT ok(chatter.mark_notifications_read() > 0, 'mark all read');
SELECT is(chatter.inbox_count(), 0::bigint, 'the bell is empty');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
