-- SPEC 2a, who may do what, as chatter_app under row-level security: the application's own table policy
-- (orders: a user sees the orders they own) decides what of chatter a user reads and writes. One test per
-- finding of the security review (issue 17), each refused here and accepted by v0.3.0; then the matrix:
-- every function granted to chatter_app, called by a user without the right, is refused, and a function
-- granted without a row in the matrix fails the suite.
BEGIN;

INSERT INTO chatter.contacts (id, name, email) VALUES
    (9801, 'Alice Rights', 'alice@rights.invalid'), (9802, 'Bob Rights', 'bob@rights.invalid'),
    (9803, 'Carol Customer', 'carol@customer.invalid'), (9804, 'Paula Portal', 'paula@portal.invalid');
INSERT INTO chatter.users (id, contact_id, username, share) VALUES
    (881, 9801, 'alice_rights', false), (882, 9802, 'bob_rights', false), (884, 9804, 'paula_rights', true);

-- The application: each user sees the orders they own; the portal user Paula sees order 1 as its customer.
CREATE TABLE public.orders (id int PRIMARY KEY, name text, amount numeric, owner_id bigint,
                            customer_id bigint REFERENCES chatter.contacts (id));
ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_owner ON public.orders TO chatter_app
    USING (owner_id = nullif(current_setting('chatter.user_id', true), '')::bigint
           OR (id = 1 AND nullif(current_setting('chatter.user_id', true), '')::bigint = 884));
GRANT SELECT, UPDATE ON public.orders TO chatter_app;
CREATE TABLE public.vault (id int PRIMARY KEY, name text);     -- chatter_app has no privilege on it at all
INSERT INTO public.orders VALUES (1, 'S00001', 100, 881, 9803), (2, 'S00002', 9999, 882, 9803);
INSERT INTO public.vault VALUES (1, 'the combination');
SELECT chatter.enable('orders', contact_columns => '{customer_id}');
SELECT chatter.enable('vault', track => false);
INSERT INTO chatter.subtypes (identifier, name, internal, is_default) VALUES ('memo_rights', 'Memo', true, false);

-- What Bob's order 2 holds, written by the system: a message with a file, a tracked change, an activity.
UPDATE public.orders SET amount = 12345.67 WHERE id = 2;
SELECT chatter.add_attachment('bob.pdf', '\x01', model => 'orders', document => 2) AS bob_file \gset
SELECT chatter.create_message('price for bob', model => 'orders', document => 2,
                              attachments => ARRAY[:bob_file]::bigint[]) AS bob_msg \gset
SELECT chatter.subscribe('orders', 2, '{9802,9801}');   -- Alice followed order 2 before it became Bob's
SELECT chatter.subscribe('orders', 1, '{9802}', '{comment,note}');
SELECT chatter.schedule_activity('orders', 2, 'activity_call', 882, 'Call about order 2') AS bob_act \gset
SELECT chatter.schedule_activity('orders', 1, 'activity_todo', 881, 'Alice''s to-do') AS alice_act \gset
SELECT chatter.schedule_activity('orders', 1, 'activity_todo', 882, 'Bob''s to-do on order 1') AS bob_act_1 \gset
SELECT chatter.create_channel('board-rights', 'Private', 882) AS board \gset
SELECT chatter.create_channel('lobby-rights', 'Public', 882) AS lobby \gset
SELECT chatter.channel_post(:board, 882, 'board only') AS board_msg \gset
SELECT chatter.create_message('hello customer', model => 'orders', document => 1) AS order1_msg \gset

-- The matrix: for every function chatter_app may execute, a call by Alice (881) without the right, and
-- what must come back: an SQLSTATE, or 'nothing' (the query returns no row: the function reveals nothing).
CREATE TEMP TABLE rights_matrix (fn regprocedure PRIMARY KEY, as_user text, call text NOT NULL, refused text NOT NULL);
GRANT SELECT ON rights_matrix TO chatter_app;
INSERT INTO rights_matrix VALUES
    ('chatter._acting_as(bigint)', '881', 'SELECT chatter._acting_as(882)', 'CH004'),
    ('chatter._acting_internal()', '884', 'SELECT 1 WHERE chatter._acting_internal()', 'nothing'),
    ('chatter._activity_done(bigint,text)', '881', format('SELECT chatter._activity_done(%s, NULL)', :bob_act), 'CH003'),
    ('chatter._add_attachment(text,bytea,text,text,bigint)', '881',
     $$SELECT chatter._add_attachment('x', '\x00', NULL, 'orders', 2)$$, 'CH003'),
    ('chatter._caller_is_system()', '881', 'SELECT 1 WHERE chatter._caller_is_system()', 'nothing'),
    ('chatter._check_limit(integer)', '881', 'SELECT chatter._check_limit(0)', 'CH005'),
    ('chatter._create_message(text,text,bigint,chatter.message_type,text,bigint,bigint[],bigint[],boolean,boolean,text,bigint,text,text)',
     '881', $$SELECT chatter._create_message('x', NULL, NULL, 'Message', 'orders', 2, '{}', '{}', false, false,
                                             NULL, NULL, NULL, NULL)$$, 'CH003'),
    ('chatter._display_column(regclass)', '881', $$SELECT 1 WHERE chatter._display_column('public.vault') IS NULL$$, 'nothing'),
    ('chatter._html_escape(text)', '881', $$SELECT 1 WHERE chatter._html_escape('<b>') LIKE '%<%'$$, 'nothing'),
    ('chatter._log_message(text,bigint,text,bigint)', '881', $$SELECT chatter._log_message('orders', 2, 'x', NULL)$$, 'CH003'),
    ('chatter._mentioned_contacts(text)', '881', $$SELECT * FROM chatter._mentioned_contacts('no one')$$, 'nothing'),
    ('chatter._my_channel_ids()', '881', format('SELECT * FROM chatter._my_channel_ids() AS c WHERE c = %s', :board), 'nothing'),
    ('chatter._notified(bigint)', '881', format('SELECT 1 WHERE chatter._notified(%s)', :bob_msg), 'nothing'),
    -- The share rule on a type and a subtype (both readable anyway): what a share user may see of them.
    ('chatter._shown_to_share(chatter.message_type,bigint)', '881', $$SELECT 1 WHERE chatter._shown_to_share('Note', NULL)$$, 'nothing'),
    ('chatter._notify(text,bigint,text,bigint[],text,bigint)', '881',
     $$SELECT chatter._notify('orders', 2, 'x', '{9803}', NULL, NULL)$$, 'CH003'),
    ('chatter._only_me(bigint[])', '881', $$SELECT 1 WHERE chatter._only_me('{9802}')$$, 'nothing'),
    ('chatter._record_contacts(text,bigint,boolean)', '881', $$SELECT * FROM chatter._record_contacts('orders', 2)$$, 'nothing'),
    ('chatter._search_channel_hits(tsquery,bigint[],bigint,integer)', '881',
     format($$SELECT * FROM chatter._search_channel_hits('board', ARRAY[%s]::bigint[], NULL, 10)$$, :board), 'nothing'),
    ('chatter._search_config()', '881', 'SELECT 1 WHERE chatter._search_config() IS NULL', 'nothing'),
    ('chatter._search_messages(text,text,bigint,bigint,integer,bigint)', '881',
     $$SELECT * FROM chatter._search_messages('price', 'orders', 2, NULL, 10, NULL)$$, 'CH003'),
    ('chatter._search_vector(text,text)', '881', $$SELECT 1 WHERE chatter._search_vector('x', 'y') IS NULL$$, 'nothing'),
    ('chatter._search_text(text,integer)', '881', $$SELECT 1 WHERE chatter._search_text('<b>x</b>') <> 'x'$$, 'nothing'),
    ('chatter._subscribe(text,bigint,bigint[],text[])', '881', $$SELECT chatter._subscribe('orders', 2, '{9801}', NULL)$$, 'CH003'),
    ('chatter._subscribe_channel(text,bigint,bigint,text[])', '881',
     format($$SELECT chatter._subscribe_channel('orders', 2, %s, NULL)$$, :lobby), 'CH003'),
    ('chatter._unsubscribe(text,bigint,bigint[])', '881', $$SELECT chatter._unsubscribe('orders', 2, '{9802}')$$, 'CH003'),
    ('chatter._user_id_setting()', '881', 'SELECT 1 WHERE chatter._user_id_setting() <> 881', 'nothing'),
    ('chatter._vouch(text,bigint)', '881', $$SELECT chatter._vouch('orders', 2)$$, 'CH003'),
    ('chatter.activity_cancel(bigint)', '881', format('SELECT chatter.activity_cancel(%s)', :bob_act), 'CH003'),
    ('chatter.activity_counts(bigint)', '881', 'SELECT * FROM chatter.activity_counts(882)', 'CH004'),
    ('chatter.activity_done(bigint,text)', '881', format('SELECT chatter.activity_done(%s)', :bob_act), 'CH003'),
    ('chatter.activity_update(bigint,text,date,bigint,text,text)', '881',
     format($$SELECT chatter.activity_update(%s, name => 'mine')$$, :bob_act), 'CH003'),
    ('chatter._channel_set_archived(bigint,boolean)', '881', format('SELECT chatter._channel_set_archived(%s, true)', :board), 'CH003'),
    ('chatter.channel_archive(bigint)', '881', format('SELECT chatter.channel_archive(%s)', :lobby), 'CH004'),
    ('chatter.channel_unarchive(bigint)', '881', format('SELECT chatter.channel_unarchive(%s)', :lobby), 'CH004'),
    ('chatter.add_attachment(text,bytea,text,text,bigint)', '881',
     $$SELECT chatter.add_attachment('x', '\x00', model => 'orders', document => 2)$$, 'CH003'),
    ('chatter.channel_history(bigint,integer,bigint)', '881', format('SELECT * FROM chatter.channel_history(%s)', :board), 'CH003'),
    ('chatter.channel_join(bigint,bigint)', '881', format('SELECT chatter.channel_join(%s, 881)', :board), 'CH004'),
    ('chatter.channel_leave(bigint,bigint)', '881', format('SELECT chatter.channel_leave(%s, 882)', :board), 'CH004'),
    ('chatter.channel_mute(bigint,bigint,boolean)', '881', format('SELECT chatter.channel_mute(%s, 882)', :board), 'CH004'),
    ('chatter.channel_post(bigint,bigint,text)', '881', format($$SELECT chatter.channel_post(%s, 881, 'x')$$, :board), 'CH004'),
    ('chatter.check_record_readable(text,bigint)', '881', $$SELECT chatter.check_record_readable('orders', 2)$$, 'CH003'),
    ('chatter.create_channel(text,chatter.channel_kind,bigint,bigint[],text)', '881',
     $$SELECT chatter.create_channel('as bob', 'Public', 882)$$, 'CH004'),
    ('chatter.create_message(text,text,bigint,chatter.message_type,text,bigint,bigint[],bigint[],boolean,boolean,text,bigint,text,text)',
     '881', $$SELECT chatter.create_message('x', model => 'orders', document => 2)$$, 'CH003'),
    ('chatter.current_contact_id()', '', 'SELECT 1 WHERE chatter.current_contact_id() IS NOT NULL', 'nothing'),
    ('chatter.current_user_id()', '', 'SELECT chatter.current_user_id()', 'CH004'),
    ('chatter.get_or_create_dm(bigint,bigint)', '881', 'SELECT chatter.get_or_create_dm(882, 884)', 'CH004'),
    ('chatter.inbox_count(bigint)', '881', 'SELECT chatter.inbox_count(882)', 'CH004'),
    ('chatter._wake(text)', '881', $$SELECT 1 FROM (SELECT chatter._wake('chatter_rights_test')) AS w WHERE false$$, 'nothing'),   -- any role may NOTIFY
    ('chatter._wake_bridges()', '881', $$SELECT 1 FROM (SELECT chatter._wake_bridges()) AS w WHERE false$$, 'nothing'),   -- any role may NOTIFY
    ('chatter._within_limit(text,bigint,text)', '881', $$SELECT 1 FROM (SELECT chatter._within_limit('mentions', 1)) AS l WHERE false$$, 'nothing'),   -- a check, no data
    ('chatter._preview(text)', '881', $$SELECT 1 WHERE chatter._preview('<b>x</b>') <> 'x'$$, 'nothing'),   -- pure
    ('chatter._count_cap()', '881', $$SELECT 1 WHERE chatter._count_cap() <> 100$$, 'nothing'),   -- a setting, no data
    ('chatter.html_text(text)', '881', $$SELECT 1 WHERE chatter.html_text('<b>x</b>') <> 'x'$$, 'nothing'),   -- pure
    ('chatter.tracking_json(jsonb,chatter.tracking_value[])', '881',
     $$SELECT 1 WHERE chatter.tracking_json(NULL, '{NULL}') IS NOT NULL$$, 'nothing'),   -- pure: renders the values it is given
    ('chatter.tracking_read(chatter.messages)', '881',
     $$SELECT 1 WHERE (chatter.tracking_read(NULL::chatter.messages)).id IS NOT NULL$$, 'nothing'),   -- pure: the row it is given
    ('chatter.log_message(text,bigint,text,bigint)', '881', $$SELECT chatter.log_message('orders', 2, 'x')$$, 'CH003'),
    ('chatter.mark_notifications_read(bigint[],bigint)', '881', 'SELECT chatter.mark_notifications_read(NULL, 882)', 'CH004'),
    ('chatter.mark_read(bigint,bigint,bigint)', '881', format('SELECT chatter.mark_read(%s, 882)', :board), 'CH004'),
    ('chatter.message_audience(bigint)', '881', format('SELECT * FROM chatter.message_audience(%s)', :bob_msg), 'CH003'),
    ('chatter.notification_payload(bigint)', '881', format('SELECT chatter.notification_payload(%s)', :bob_msg), 'CH003'),
    ('chatter._record_followers(text,bigint)', '881', $$SELECT * FROM chatter._record_followers('orders', 2)$$, 'nothing'),
    ('chatter.message_wire(chatter.messages)', '881',
     format($$SELECT 1 WHERE chatter.message_wire(jsonb_populate_record(NULL::chatter.messages,
                 jsonb_build_object('id', %s, 'body', 'x'))) ->> 'attachments' <> '[]'$$, :bob_msg), 'nothing'),
    ('chatter._wire_attachments(bigint)', '881', format($$SELECT 1 WHERE chatter._wire_attachments(%s) <> '[]'$$, :bob_msg), 'nothing'),
    ('chatter._wire_reactions(bigint)', '881', format($$SELECT 1 WHERE chatter._wire_reactions(%s) <> '[]'$$, :bob_msg), 'nothing'),
    ('chatter._wire_parent(bigint)', '881', format($$SELECT chatter._wire_parent(%s) WHERE chatter._wire_parent(%s) IS NOT NULL$$, :bob_msg, :bob_msg), 'nothing'),
    ('chatter._wire_bounced(bigint)', '881', format($$SELECT 1 WHERE chatter._wire_bounced(%s) <> '[]'$$, :bob_msg), 'nothing'),
    ('chatter.message_wire_set(chatter.messages)', '881',
     format($$SELECT 1 FROM chatter.message_wire_set(jsonb_populate_record(NULL::chatter.messages,
                 jsonb_build_object('id', %s, 'body', 'x'))) AS w WHERE w.message ->> 'attachments' <> '[]'$$, :bob_msg), 'nothing'),
    ('chatter.edit_subscription(text,bigint,text[],bigint)', '881',
     $$SELECT chatter.edit_subscription('orders', 1, '{comment}', 9802)$$, 'CH004'),
    ('chatter.follower_subtypes(text,bigint)', '881', $$SELECT * FROM chatter.follower_subtypes('orders', 2)$$, 'CH003'),
    ('chatter.model_subtypes(text)', '884', $$SELECT 1 FROM chatter.model_subtypes('orders') WHERE internal$$, 'nothing'),
    ('chatter.notify(text,bigint,text,bigint[],text,bigint)', '881',
     $$SELECT chatter.notify('orders', 2, 'x', '{9803}')$$, 'CH003'),
    ('chatter.record_activities(text,bigint,integer)', '881', $$SELECT * FROM chatter.record_activities('orders', 2)$$, 'CH003'),
    ('chatter.record_attachments(text,bigint,integer)', '881', $$SELECT * FROM chatter.record_attachments('orders', 2)$$, 'CH003'),
    ('chatter.record_feed(text,bigint,integer,bigint)', '881', $$SELECT * FROM chatter.record_feed('orders', 2)$$, 'CH003'),
    ('chatter.record_followers(text,bigint)', '881', $$SELECT * FROM chatter.record_followers('orders', 2)$$, 'CH003'),
    ('chatter.record_label(text,bigint)', '881', $$SELECT 1 WHERE chatter.record_label('orders', 2) = 'S00002'$$, 'nothing'),
    ('chatter.record_readable(text,bigint)', '881', $$SELECT 1 WHERE chatter.record_readable('orders', 2)$$, 'nothing'),
    ('chatter.search_messages(text,text,bigint,bigint,integer,bigint)', '881',
     $$SELECT * FROM chatter.search_messages('price', 'orders', 2)$$, 'CH003'),
    ('chatter.schedule_activity(text,bigint,text,bigint,text,date,text)', '881',
     $$SELECT chatter.schedule_activity('orders', 2, 'activity_call', 881)$$, 'CH003'),
    ('chatter.store_body_html(bigint[],text[],text[])', '881',
     format($$SELECT chatter.store_body_html('{%s}', ARRAY[md5('hello customer')], '{<b>forged</b>}')$$, :order1_msg), 'CH004'),
    ('chatter.subscribe(text,bigint,bigint[],text[])', '881', $$SELECT chatter.subscribe('orders', 2, '{9801}')$$, 'CH003'),
    ('chatter.subscribe_channel(text,bigint,bigint,text[])', '881',
     format($$SELECT chatter.subscribe_channel('orders', 1, %s)$$, :lobby), 'CH004'),
    ('chatter.unread_count(bigint,bigint)', '881', format('SELECT chatter.unread_count(%s, 882)', :board), 'CH004'),
    ('chatter.unread_counts(bigint)', '881', 'SELECT * FROM chatter.unread_counts(882)', 'CH004'),
    ('chatter.unsubscribe(text,bigint,bigint[])', '881', $$SELECT chatter.unsubscribe('orders', 2, '{9802}')$$, 'CH003'),
    -- messages that live (issue 21): Alice may neither read order 2's message nor change the system's on order 1
    ('chatter._vouch_message(bigint)', '881', format('SELECT chatter._vouch_message(%s)', :bob_msg), 'CH003'),
    ('chatter._readable_message(bigint)', '881', format('SELECT chatter._readable_message(%s)', :bob_msg), 'CH003'),
    ('chatter._edit_message(bigint,text,text)', '881', format($$SELECT chatter._edit_message(%s, 'x')$$, :order1_msg), 'CH004'),
    ('chatter._delete_message(bigint)', '881', format('SELECT chatter._delete_message(%s)', :order1_msg), 'CH004'),
    ('chatter.edit_message(bigint,text,text)', '881', format($$SELECT chatter.edit_message(%s, 'x')$$, :bob_msg), 'CH003'),
    ('chatter.delete_message(bigint)', '881', format('SELECT chatter.delete_message(%s)', :order1_msg), 'CH004'),
    ('chatter.react(bigint,text)', '881', format($$SELECT chatter.react(%s, '👍')$$, :bob_msg), 'CH003'),
    ('chatter.unreact(bigint,text)', '881', format($$SELECT chatter.unreact(%s, '👍')$$, :bob_msg), 'CH003'),
    ('chatter.message_reactions(bigint)', '881', format('SELECT * FROM chatter.message_reactions(%s)', :bob_msg), 'CH003'),
    ('chatter.star(bigint)', '881', format('SELECT chatter.star(%s)', :board_msg), 'CH003'),
    ('chatter.unstar(bigint)', '881', format('SELECT chatter.unstar(%s)', :bob_msg), 'CH003'),
    ('chatter.channel_reply(bigint,bigint,text,bigint)', '881',
     format($$SELECT chatter.channel_reply(%s, 881, 'x', %s)$$, :board, :board_msg), 'CH004');

SELECT plan(69 + (SELECT count(*)::integer FROM rights_matrix));

-- How many rows a write changed, run as the current role: row-level security filters an UPDATE silently.
CREATE FUNCTION pg_temp.changed(statement text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE statement;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

SELECT set_eq(
    $$SELECT p.oid::regprocedure::text FROM pg_proc AS p
       WHERE p.pronamespace = 'chatter'::regnamespace AND p.proname !~ '^track_[0-9]+$'
         AND has_function_privilege('chatter_app', p.oid, 'EXECUTE')$$,
    'SELECT fn::text FROM rights_matrix',
    'every function chatter_app may execute has a row in the rights matrix');

-- Each refused call, as its user, in a savepoint of its own (a refusal aborts only its own statement).
CREATE FUNCTION pg_temp.refused(r rights_matrix) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('chatter.user_id', r.as_user, true);
    SET LOCAL ROLE chatter_app;
    IF r.refused = 'nothing' THEN
        RETURN QUERY SELECT is_empty(r.call, format('matrix: %s reveals nothing to a user without the right', r.fn));
    ELSE
        RETURN QUERY SELECT throws_ok(r.call, r.refused, NULL, format('matrix: %s refuses a user without the right', r.fn));
    END IF;
    RESET ROLE;
END
$$;
SELECT pg_temp.refused(r) FROM rights_matrix AS r ORDER BY r.fn::text;
RESET chatter.user_id;

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '881';

-- 1. The application's row-level security reaches chatter data: order 2 is Bob's.
SELECT is((SELECT body FROM chatter.messages WHERE id = :order1_msg), 'hello customer',
    'Alice reads the feed of her order');
SELECT is((SELECT count(*) FROM chatter.messages WHERE model = 'orders' AND document = 2), 0::bigint,
    'finding 1: none of the messages of an order the application hides, tracking values included');
SELECT is((SELECT count(*) FROM chatter.attachments WHERE id = :bob_file), 0::bigint,
    'finding 1: nor its files');
SELECT is((SELECT count(*) FROM chatter.message_attachments WHERE message_id = :bob_msg), 0::bigint,
    'finding 1: nor what its messages carry');
SELECT is((SELECT count(*) FROM chatter.activities WHERE id = :bob_act), 0::bigint, 'finding 1: nor its activities');
SELECT is((SELECT count(*) FROM chatter.followers WHERE model = 'orders' AND document = 2), 0::bigint,
    'finding 1: nor its followers');
SELECT throws_ok(format('SELECT * FROM chatter.message_audience(%s)', :bob_msg), 'CH003', NULL,
    'finding 1: nor the audience');
SELECT throws_ok(format('SELECT chatter.notification_payload(%s)', :bob_msg), 'CH003', NULL,
    'finding 1: nor the payload');

-- 2. Writers: the record must be readable by the caller, not merely exist.
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'orders', document => 2)$$, 'CH003',
    'orders #2 not found', 'finding 2: create_message on a hidden order');
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'vault', document => 1)$$, 'CH003',
    'vault #1 not found', 'finding 2: create_message on a table chatter_app cannot read at all');
SELECT throws_ok($$SELECT chatter.log_message('vault', 1, 'x')$$, 'CH003', NULL, 'finding 2: log_message');
SELECT throws_ok($$SELECT chatter.notify('vault', 1, 'x', '{9803}')$$, 'CH003', NULL, 'finding 2: notify');
SELECT throws_ok($$SELECT chatter.add_attachment('x', '\x00', model => 'vault', document => 1)$$, 'CH003', NULL,
    'finding 2: add_attachment');
SELECT throws_ok($$SELECT chatter.subscribe('vault', 1, '{9801}')$$, 'CH003', NULL,
    'finding 2: subscribing oneself to read every later message');
SELECT throws_ok($$SELECT chatter.unsubscribe('vault', 1, '{9802}')$$, 'CH003', NULL,
    'finding 2: unsubscribing others');
SELECT throws_ok(format('SELECT chatter.subscribe_channel(%L, 1, %s)', 'orders', :board), 'CH005',
    format('unknown channel %s', :board), 'finding 2: subscribe_channel into a private channel one is not in');
SELECT throws_ok(format('SELECT chatter.activity_done(%s, %L)', :bob_act, 'done'), 'CH003', NULL,
    'finding 2: activity_done');
SELECT throws_ok('INSERT INTO chatter.record_vouchers (model, document) VALUES (''orders'', 2)', '42501', NULL,
    'finding 2: a voucher cannot be forged for a record one cannot read');
SELECT chatter._vouch('orders', 1);
SELECT throws_ok($$SELECT chatter._create_message('x', NULL, NULL, 'Message', 'orders', 2, '{}', '{}', false, false,
                                                  NULL, NULL, NULL, NULL)$$, 'CH003', NULL,
    'finding 2: a voucher for one record opens no other');
SELECT lives_ok($$SELECT chatter._create_message('vouched', NULL, NULL, 'Message', 'orders', 1, '{}', '{}', false,
                                                 false, NULL, NULL, NULL, NULL)$$,
    'the definer part writes with a voucher of its own transaction');
SELECT throws_ok($$SELECT chatter._create_message('again', NULL, NULL, 'Message', 'orders', 1, '{}', '{}', false,
                                                  false, NULL, NULL, NULL, NULL)$$, 'CH003', NULL,
    'and a voucher is spent once');
SELECT lives_ok($$SELECT chatter.subscribe('orders', 1, '{9801}')$$, 'subscribing to one''s own order works');
SELECT lives_ok($$SELECT chatter.unsubscribe('orders', 2, '{9801}')$$,
    'one always leaves a record, even one no longer readable (or one is notified forever)');

-- 3. Internal content never reaches an external contact.
SELECT chatter.create_message('internal pricing', model => 'orders', document => 1, subtype => 'note',
                              send => true) AS internal_msg \gset
SELECT chatter.create_message('<p>@"Paula Portal" @"Bob Rights" see this</p>', message_type => 'Note',
                              model => 'orders', document => 1) AS note_msg \gset
SELECT throws_ok($$SELECT chatter.create_message('only outsiders', model => 'orders', document => 1,
                                                 subtype => 'memo_rights', send => true, contacts => '{9803}')$$,
    'CH001', NULL, 'finding 3: an internal subtype with nobody internal to email is CH001, not a mail outside');
SELECT chatter.create_message('public answer', model => 'orders', document => 1, send => true) AS public_msg \gset

-- 4. One changes what is one's own.
SELECT is(pg_temp.changed('UPDATE chatter.contacts SET email = ''evil@attacker.invalid'' WHERE id = 9802'), 0::bigint, 'finding 4: another user''s email cannot be redirected');
SELECT is(pg_temp.changed('UPDATE chatter.contacts SET name = ''Alice Rights 2'' WHERE id = 9802'), 0::bigint, 'finding 4: nor their name taken for mentions');
SELECT is(pg_temp.changed('UPDATE chatter.contacts SET name = ''Alice R.'' WHERE id = 9801'), 1::bigint, 'one edits one''s own contact');
SELECT is(pg_temp.changed('UPDATE chatter.contacts SET name = ''Carol C.'' WHERE id = 9803'), 1::bigint, 'an internal user edits a customer''s contact');
SELECT is(pg_temp.changed('UPDATE chatter.users SET notification = ''none'' WHERE id = 882'), 0::bigint, 'finding 4: another user''s preference is not one''s to change');
SELECT is(pg_temp.changed('UPDATE chatter.users SET notification = ''inbox'' WHERE id = 881'), 1::bigint, 'one changes one''s own preference');
SELECT throws_ok('UPDATE chatter.users SET share = false WHERE id = 881', '42501', NULL,
    'nor whether one is a portal user');
SELECT throws_ok(format('UPDATE chatter.activities SET created_by = 882 WHERE id = %s', :alice_act), '42501', NULL,
    'finding 4: created_by cannot be forged');
SELECT throws_ok(format('UPDATE chatter.activities SET done = true WHERE id = %s', :alice_act), '42501', NULL,
    'finding 4: done only through activity_done, which logs it');
SELECT throws_ok(format($$INSERT INTO chatter.activities (activity_type_id, model, record, assigned_to, created_by)
                          SELECT id, 'orders', 1, 881, 882 FROM chatter.activity_types LIMIT 1$$), '42501', NULL,
    'finding 4: nor a new activity in someone else''s name');
SELECT is(pg_temp.changed('UPDATE chatter.activities SET name = ''mine now'' WHERE id = ' || :bob_act_1 || ''), 0::bigint, 'finding 4: someone else''s activity is not one''s to change');
SELECT is(pg_temp.changed('UPDATE chatter.activities SET name = ''Alice''''s to-do, renamed'' WHERE id = ' || :alice_act || ''), 1::bigint, 'one changes one''s own activity');
SELECT throws_ok('SELECT * FROM chatter.activity_counts(882)', 'CH004', NULL, 'finding 4: activity_counts of another user');
SELECT lives_ok($$SELECT chatter.subscribe('orders', 1, '{9802}', '{}')$$,
    'finding 4: subscribing another follower again is allowed on a readable record');

-- 7. Existence oracles: a hidden record answers as a missing one; a reply stays in its thread.
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'orders', document => 999)$$, 'CH003',
    'orders #999 not found', 'finding 7: a missing order answers like a hidden one');
SELECT throws_ok($$SELECT chatter.schedule_activity('orders', 2, 'activity_call', 881)$$, 'CH003',
    'orders #2 not found', 'finding 7: a plain activity on a hidden record is not found either (not a policy error)');
SELECT throws_ok(format($$SELECT chatter.create_message('re', model => 'orders', document => 1, parent => %s)$$, :board_msg),
    'CH005', format('unknown parent message %s', :board_msg), 'finding 7: a private channel''s message is no parent');
SELECT throws_ok(format($$SELECT chatter.create_message('re', model => 'orders', document => 1, parent => %s)$$, :bob_msg),
    'CH005', NULL, 'finding 7: nor a message of another record');
SELECT lives_ok(format($$SELECT chatter.create_message('re', model => 'orders', document => 1, parent => %s)$$, :order1_msg),
    'a reply in the same thread is fine');
SELECT throws_ok(format($$SELECT chatter.create_message('fwd', model => 'orders', document => 1, attachments => ARRAY[%s]::bigint[])$$,
                        :bob_file), 'CH003', format('attachment %s not found', :bob_file),
    'finding 1: another record''s file cannot be sent on (and so emailed)');

-- 3, as the portal user: order 1 is hers to read, its internal content is not.
SET LOCAL chatter.user_id = '884';
SELECT ok((SELECT count(*) FROM chatter.messages WHERE id = :public_msg) = 1, 'the customer reads the public answer');
SELECT is((SELECT count(*) FROM chatter.messages WHERE id IN (:internal_msg, :note_msg)), 0::bigint,
    'finding 3: not the internal note nor the Note');
SELECT is((SELECT count(*) FROM chatter.activities WHERE model = 'orders' AND record = 1), 0::bigint,
    'finding 3: nor the activities');
SELECT is(pg_temp.changed('UPDATE chatter.contacts SET email = ''x@y.invalid'' WHERE id = 9803'), 0::bigint, 'a portal user edits no customer contact');
SELECT is((SELECT count(*) FROM chatter.channels WHERE id = :lobby), 0::bigint,
    'a portal user sees no Public channel');
SELECT throws_ok(format('SELECT chatter.channel_join(%s, 884)', :lobby), 'CH003', NULL,
    'and joins none by herself');

-- 5. Fail closed: no acting user, or one that does not exist, is nobody.
RESET chatter.user_id;
SELECT throws_ok('SELECT count(*) FROM chatter.messages', 'CH004', NULL, 'finding 5: no reads without a user');
SELECT throws_ok($$SELECT chatter.create_message('x', model => 'orders', document => 1)$$, 'CH004', NULL,
    'finding 5: no writes without a user');
SELECT throws_ok(format('SELECT chatter.channel_join(%s, 882)', :lobby), 'CH004', NULL,
    'finding 5: no joining others into channels');
SELECT throws_ok('SELECT chatter.mark_notifications_read(NULL, 882)', 'CH004', NULL,
    'finding 5: no marking others'' notifications read');
SET LOCAL chatter.user_id = '999999';
SELECT throws_ok(format($$SELECT chatter.channel_post(%s, 999999, 'x')$$, :lobby), 'CH004', NULL,
    'finding 5: an unknown user id is refused');

-- 6. Realtime: only chatter's own writers make frames.
SET LOCAL chatter.user_id = '881';
SELECT chatter.schedule_activity('orders', 1, 'activity_call', 882, 'Ping Bob') AS ping_act \gset
RESET ROLE;
SELECT ok(NOT has_function_privilege('chatter_app', 'chatter._activity_ping(bigint,bigint,text)', 'EXECUTE'),
    'finding 6: chatter_app cannot make an activity ping itself');
SELECT ok(NOT has_table_privilege('chatter_app', 'chatter.realtime_events', 'INSERT'),
    'finding 6: nor write the events the relay forwards');
SELECT is((SELECT data ->> 'name' FROM chatter.realtime_events WHERE user_id = 882 AND (data ->> 'activity_id')::bigint = :ping_act),
    'Ping Bob', 'the assignee''s ping is a row the relay reads by id');

-- What reached whom (as the owner: nobody else's notifications are readable as chatter_app).
SELECT is((SELECT count(*) FROM chatter.notifications WHERE message_id = :internal_msg AND contact_id IN (9803, 9804)),
    0::bigint, 'finding 3: an internal subtype with send => true reaches no external contact');
SELECT is((SELECT email_status FROM chatter.notifications WHERE message_id = :internal_msg AND contact_id = 9802),
    'pending', 'and is emailed to the internal follower');
SELECT is((SELECT string_agg(contact_id::text, ',' ORDER BY contact_id) FROM chatter.notifications WHERE message_id = :note_msg),
    '9802', 'finding 3: a Note notifies the internal user it mentions, not the portal user');
SELECT is((SELECT count(*) FROM chatter.notifications WHERE message_id = :public_msg AND contact_id = 9803), 1::bigint,
    'a public message with send => true still emails the customer');
SELECT is((SELECT email FROM chatter.contacts WHERE id = 9802), 'bob@rights.invalid', 'Bob''s email is his own');
SELECT is((SELECT string_agg(contact_id::text, ',') FROM chatter.followers WHERE model = 'orders' AND document = 2),
    '9802', 'Alice left order 2; Bob still follows it');
SELECT is((SELECT subtype_ids FROM chatter.followers WHERE model = 'orders' AND document = 1 AND contact_id = 9802),
    (SELECT array_agg(id ORDER BY id) FROM chatter.subtypes WHERE identifier IN ('comment', 'note')),
    'finding 4: subscribing someone again kept the subtypes they chose');
SELECT is((SELECT notification FROM chatter.users WHERE id = 882), 'email', 'Bob''s preference is his own');

-- record_readable is generated from the registry: it follows DDL and enable/disable.
ALTER TABLE public.vault RENAME TO strongroom;
ALTER TABLE public.strongroom RENAME COLUMN id TO vault_id;
SELECT ok(chatter.record_readable('vault', 1), 'a renamed table and key are followed (regenerated on DDL)');
SELECT chatter.disable('strongroom');
SELECT ok(NOT chatter.record_readable('vault', 1), 'a model disabled has nothing readable');

SELECT * FROM finish();
ROLLBACK;
