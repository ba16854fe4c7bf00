-- activity_update: edit, reschedule, reassign an open activity; the assignee or its scheduler, as
-- chatter_app under row-level security; reassigning pings the new assignee.
BEGIN;
SELECT plan(13);

INSERT INTO chatter.contacts (id, name) VALUES (9711, 'Alice Upd'), (9712, 'Bob Upd'), (9713, 'Carol Upd');
INSERT INTO chatter.users (id, contact_id, username) VALUES (981, 9711, 'alice_upd'), (982, 9712, 'bob_upd'),
    (983, 9713, 'carol_upd');
CREATE TABLE public.deals (id int PRIMARY KEY, name text, owner_id bigint);
INSERT INTO public.deals VALUES (1, 'D1', NULL), (2, 'D2 (Bob only)', 982);
ALTER TABLE public.deals ENABLE ROW LEVEL SECURITY;
CREATE POLICY deals_read ON public.deals TO chatter_app
    USING (owner_id IS NULL OR owner_id = nullif(current_setting('chatter.user_id', true), '')::bigint);
GRANT SELECT ON public.deals TO chatter_app;
SELECT chatter.enable('deals');

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '981';
SELECT chatter.schedule_activity('deals', 1, 'activity_call', 981, 'Call the customer') AS act \gset
SET LOCAL chatter.user_id = '982';
SELECT chatter.schedule_activity('deals', 2, 'activity_todo', 982, 'Bob''s secret') AS secret \gset

SET LOCAL chatter.user_id = '981';
SELECT lives_ok(format($$SELECT chatter.activity_update(%s, name => 'Call Deco Addict', deadline => DATE '2031-01-02',
                                                      description => 'about the discount', activity_type => 'activity_meeting')$$, :act),
    'the assignee edits title, date, notes and type');
SELECT is((SELECT row(a.name, a.deadline, a.description, t.identifier)::text FROM chatter.activities AS a
             JOIN chatter.activity_types AS t ON t.id = a.activity_type_id WHERE a.id = :act),
    '("Call Deco Addict",2031-01-02,"about the discount",activity_meeting)', 'all four changed');
SELECT lives_ok(format($$SELECT chatter.activity_update(%s, deadline => DATE '2031-02-03')$$, :act),
    'reschedule alone');
SELECT is((SELECT row(name, deadline)::text FROM chatter.activities WHERE id = :act),
    '("Call Deco Addict",2031-02-03)', 'NULL keeps the other values');
SELECT throws_ok(format($$SELECT chatter.activity_update(%s, name => '  ')$$, :act), 'CH005', NULL, 'a blank title: CH005');
SELECT throws_ok(format($$SELECT chatter.activity_update(%s, name => %L)$$, :act, repeat('x', 201)), 'CH005', NULL,
    'a title over 200 characters: CH005');
SELECT throws_ok(format($$SELECT chatter.activity_update(%s, activity_type => 'dance')$$, :act), 'CH005', NULL,
    'an unknown type: CH005');
SELECT throws_ok(format($$SELECT chatter.activity_update(%s, name => 'mine now')$$, :secret), 'CH003', NULL,
    'an activity on a record one cannot read does not exist for one: CH003');

-- Reassign to Bob: Bob is pinged (a realtime event for him), as when it was scheduled for him.
SELECT lives_ok(format('SELECT chatter.activity_update(%s, assigned_to => 982)', :act), 'reassign to Bob');
RESET ROLE;
SELECT is((SELECT data ->> 'event' FROM chatter.realtime_events WHERE user_id = 982
            AND (data ->> 'activity_id')::bigint = :act ORDER BY id DESC LIMIT 1), 'assigned',
    'the new assignee is pinged');
SET LOCAL ROLE chatter_app;

SET LOCAL chatter.user_id = '983';
SELECT throws_ok(format($$SELECT chatter.activity_update(%s, name => 'hijack')$$, :act), 'CH004', NULL,
    'neither assignee nor scheduler: CH004');
SET LOCAL chatter.user_id = '981';
SELECT lives_ok(format($$SELECT chatter.activity_update(%s, name => 'Still mine to edit')$$, :act),
    'the one who scheduled it may still change it');
SET LOCAL chatter.user_id = '982';
SELECT chatter.activity_done(:act);
SELECT throws_ok(format($$SELECT chatter.activity_update(%s, name => 'after')$$, :act), 'CH005', NULL,
    'a done activity is not edited: CH005');
RESET ROLE;
SELECT * FROM finish();
ROLLBACK;
