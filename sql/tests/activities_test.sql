-- Activities: types (protected), scheduling, done with feedback on the feed, cancel, overview and counts.
BEGIN;
SELECT plan(39);

INSERT INTO chatter.contacts (id, name) VALUES (9501, 'Alice Martin'), (9502, 'Bob Stone');
INSERT INTO chatter.users (id, contact_id, username) VALUES (641, 9501, 'alice'), (642, 9502, 'bob');
CREATE TABLE public.leads (id int PRIMARY KEY, name text);
INSERT INTO public.leads VALUES (1, 'First lead'), (2, 'Second lead');
SELECT chatter.enable('leads');
-- chatter_app works on the activities of records it may read (record_rls).
GRANT SELECT ON public.leads TO chatter_app;

-- Types
SELECT results_eq($$SELECT identifier, name, action_type FROM chatter.activity_types WHERE protected ORDER BY id$$,
    $$VALUES ('activity_email', 'Email', 'None'), ('activity_call', 'Call', 'None'),
             ('activity_meeting', 'Meeting', 'Meeting'), ('activity_todo', 'To-Do', 'None'),
             ('activity_upload_document', 'Upload Document', 'Upload Document')$$,
    'the five shipped types, protected');
SELECT col_default_is('chatter', 'activity_types', 'default_scheduled_date', '1', 'scheduled after one day by default');
SELECT throws_ok($$DELETE FROM chatter.activity_types WHERE identifier = 'activity_call'$$, 'CH002', NULL,
    'deleting a shipped type is CH002');
SELECT throws_ok($$UPDATE chatter.activity_types SET identifier = 'call' WHERE identifier = 'activity_call'$$, 'CH002',
    NULL, 're-identifying a shipped type is CH002');
SELECT lives_ok($$UPDATE chatter.activity_types SET name = 'Phone call', default_scheduled_date = 2
                   WHERE identifier = 'activity_call'$$, 'a shipped type may be renamed and re-timed');
SELECT throws_ok($$INSERT INTO chatter.activity_types (name, identifier, action_type) VALUES ('X', 'x', 'Dance')$$,
    '23514', NULL, 'action_type is None, Meeting or Upload Document');
INSERT INTO chatter.activity_types (name, identifier) VALUES ('Review', 'review');
SELECT lives_ok($$DELETE FROM chatter.activity_types WHERE identifier = 'review'$$, 'a custom type may be deleted');

-- Ping spy: replaces the realtime ping for this transaction only.
CREATE TEMP TABLE pings (activity bigint, assignee bigint, event text);
GRANT INSERT, SELECT ON pings TO chatter_app, chatter_owner;   -- the ping trigger runs as chatter_owner
CREATE OR REPLACE FUNCTION chatter._activity_ping(activity bigint, assignee bigint, event text) RETURNS void
LANGUAGE sql SET search_path = '' AS $$ INSERT INTO pg_temp.pings VALUES (activity, assignee, event) $$;

-- schedule_activity
SET LOCAL chatter.user_id = '641';
SELECT chatter.schedule_activity('leads', 1, 'activity_call', 642) AS call \gset
SELECT is((SELECT row(name, deadline, created_by, done)::text FROM chatter.activities WHERE id = :call),
    row('Phone call'::text, current_date + 2, 641::bigint, false)::text,
    'defaults: the type''s name, today + its delay, created by the acting user');
SELECT results_eq('SELECT activity, assignee, event FROM pings', format('VALUES (%s::bigint, 642::bigint, %L)', :call, 'created'),
    'creating pings the assignee');
SELECT chatter.schedule_activity('leads', 1, 'activity_todo', 641, 'Note to self', '2030-01-31', 'details') AS todo \gset
SELECT is((SELECT row(name, deadline, description)::text FROM chatter.activities WHERE id = :todo),
    row('Note to self'::text, '2030-01-31'::date, 'details'::text)::text, 'name, deadline and description as given');
SELECT is((SELECT count(*) FROM pings), 1::bigint, 'a self-assignment is not pinged');
UPDATE chatter.activities SET assigned_to = 642 WHERE id = :todo;
SELECT is((SELECT event FROM pings WHERE activity = :todo), 'assigned', 'reassigning pings the new assignee');
UPDATE chatter.activities SET description = 'more' WHERE id = :todo;
SELECT is((SELECT count(*) FROM pings), 2::bigint, 'other updates do not ping');
RESET chatter.user_id;
SELECT throws_ok($$SELECT chatter.schedule_activity('leads', 99, 'activity_call', 642)$$, 'CH003', NULL,
    'an unknown record is CH003');
SELECT throws_ok($$SELECT chatter.schedule_activity('nope', 1, 'activity_call', 642)$$, 'CH003', NULL,
    'an unknown model is CH003');
SELECT throws_ok($$SELECT chatter.schedule_activity('leads', 1, 'activity_dance', 642)$$, 'CH005', NULL,
    'an unknown activity type is CH005');
SELECT throws_ok($$SELECT chatter.schedule_activity('leads', 1, 'activity_call', 999)$$, 'CH003', NULL,
    'an unknown assignee is CH003');

-- Plain SQL gets the same rules
INSERT INTO chatter.activities (activity_type_id, model, record, assigned_to)
VALUES ((SELECT id FROM chatter.activity_types WHERE identifier = 'activity_email'), 'leads', 2, 642)
RETURNING id AS plain \gset
SELECT is((SELECT row(name, deadline)::text FROM chatter.activities WHERE id = :plain),
    row('Email'::text, current_date)::text, 'a plain INSERT defaults to the type''s name and today');
SELECT is((SELECT event FROM pings WHERE activity = :plain), 'created', 'a plain INSERT pings too');
SELECT throws_ok($$INSERT INTO chatter.activities (activity_type_id, model, record, assigned_to)
                   SELECT id, 'leads', 42, 642 FROM chatter.activity_types WHERE identifier = 'activity_email'$$,
    'CH003', NULL, 'a plain INSERT on a missing record is CH003');

-- A failing ping never fails the write
CREATE OR REPLACE FUNCTION chatter._activity_ping(activity bigint, assignee bigint, event text) RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$ BEGIN RAISE EXCEPTION 'bridge is down'; END $$;
SET LOCAL client_min_messages = error;
SELECT lives_ok($$SELECT chatter.schedule_activity('leads', 2, 'activity_meeting', 642)$$,
    'a failing ping does not fail schedule_activity');
SELECT lives_ok($$INSERT INTO chatter.activities (activity_type_id, model, record, assigned_to)
                  SELECT id, 'leads', 2, 642 FROM chatter.activity_types WHERE identifier = 'activity_email'$$,
    'a failing ping does not fail a plain INSERT');
SELECT lives_ok(format('UPDATE chatter.activities SET assigned_to = 641 WHERE id = %s', :call),
    'a failing ping does not fail a reassignment');
RESET client_min_messages;
CREATE OR REPLACE FUNCTION chatter._activity_ping(activity bigint, assignee bigint, event text) RETURNS void
LANGUAGE sql SET search_path = '' AS $$ INSERT INTO pg_temp.pings VALUES (activity, assignee, event) $$;
UPDATE chatter.activities SET assigned_to = 642 WHERE id = :call;

-- Overview and counts
UPDATE chatter.activities SET deadline = current_date - 1 WHERE id = :plain;
UPDATE chatter.activities SET deadline = current_date WHERE id = :call;
SELECT results_eq(format('SELECT activity, state FROM chatter.activity_overview WHERE activity IN (%s, %s, %s) ORDER BY deadline',
                         :plain, :call, :todo),
    format($$VALUES (%s::bigint, 'overdue'), (%s, 'today'), (%s, 'planned')$$, :plain, :call, :todo),
    'state is overdue, today or planned');
SELECT results_eq('SELECT overdue, today, planned FROM chatter.activity_counts(642)',
    $$VALUES (1::bigint, 2::bigint, 2::bigint)$$, 'badge counts per state');
SET LOCAL chatter.user_id = '642';
SELECT results_eq('SELECT overdue, today, planned FROM chatter.activity_counts()',
    $$VALUES (1::bigint, 2::bigint, 2::bigint)$$, 'badge counts default to the acting user');

-- activity_done
SELECT chatter.activity_done(:call, 'Customer <b>agreed</b> & signs');
SELECT ok((SELECT done AND done_date IS NOT NULL FROM chatter.activities WHERE id = :call), 'done and done_date are set');
SELECT is((SELECT feedback FROM chatter.activities WHERE id = :call), 'Customer <b>agreed</b> & signs', 'feedback kept');
SELECT is((SELECT row(m.message_type, s.identifier, m.author_id)::text
             FROM chatter.messages m JOIN chatter.subtypes s ON s.id = m.subtype_id
            WHERE m.model = 'leads' AND m.document = 1),
    row('Note'::chatter.message_type, 'activities'::text, 9502::bigint)::text,
    'the feedback is a note of subtype activities on the record, by the acting user');
SELECT is((SELECT body FROM chatter.messages WHERE model = 'leads' AND document = 1),
    '<p><span class="activity-type">Phone call</span> done: <b>Phone call</b></p>'
    || '<div class="activity-feedback">Customer &lt;b&gt;agreed&lt;/b&gt; &amp; signs</div>',
    'the body names the activity and holds the escaped feedback');
SELECT ok(NOT EXISTS (SELECT FROM chatter.activity_overview WHERE activity = :call), 'a done activity leaves the overview');
SELECT throws_ok(format('SELECT chatter.activity_done(%s)', :call), 'CH005', NULL, 'done twice is CH005');
SELECT throws_ok('SELECT chatter.activity_done(424242)', 'CH003', NULL, 'an unknown activity is CH003');

-- Chaining: a Call triggers a To-Do when done
UPDATE chatter.activity_types SET next_type_id = (SELECT id FROM chatter.activity_types WHERE identifier = 'activity_todo')
 WHERE identifier = 'activity_email';
SELECT chatter.activity_done(:plain);
SELECT is((SELECT count(*) FROM chatter.activity_overview WHERE model = 'leads' AND record = 2 AND activity_type = 'activity_todo'
              AND assignee = 642), 1::bigint, 'a chained type schedules the next activity for the same assignee');

-- activity_cancel
SELECT chatter.activity_cancel(:todo);
SELECT ok(NOT EXISTS (SELECT FROM chatter.activities WHERE id = :todo), 'cancel deletes');
SELECT throws_ok(format('SELECT chatter.activity_cancel(%s)', :todo), 'CH003', NULL, 'cancelling twice is CH003');

-- As the application role
SET LOCAL ROLE chatter_app;
SELECT lives_ok($$SELECT chatter.schedule_activity('leads', 2, 'activity_call', 641)$$, 'chatter_app schedules');
SELECT lives_ok($$SELECT chatter.activity_done((SELECT max(id) FROM chatter.activities))$$,
    'chatter_app marks done');
SELECT lives_ok($$INSERT INTO chatter.activities (activity_type_id, model, record, assigned_to)
                  SELECT id, 'leads', 1, 641 FROM chatter.activity_types WHERE identifier = 'activity_email'$$,
    'chatter_app inserts plain rows');
RESET ROLE;
RESET chatter.user_id;

SELECT * FROM finish();
ROLLBACK;
