-- The delivery outbox: claim with SKIP LOCKED, complete, retry with backoff, dead letters, takeover.
BEGIN;
SELECT plan(14);

INSERT INTO chatter.contacts (id, name, email) VALUES (9001, 'Alice', 'alice@example.com'), (9002, 'Bob', 'bob@example.com');
INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 9001, 'alice'), (2, 9002, 'bob');
INSERT INTO chatter.push_subscriptions (user_id, endpoint, p256dh, auth) VALUES (2, 'http://127.0.0.1:9/push/bob', 'k', 'a');
CREATE TABLE public.leads (id int PRIMARY KEY, name text);
INSERT INTO public.leads VALUES (1, 'Lead');
SELECT chatter.enable('leads', track => false);
SELECT chatter.subscribe('leads', 1, '{9002}');
SELECT chatter.create_message('one', author => 9001, model => 'leads', document => 1, send => true) AS m1 \gset
SELECT chatter.create_message('two', author => 9001, model => 'leads', document => 1, send => true,
                              send_immediately => true) AS m2 \gset

SELECT is((SELECT count(*)::int FROM chatter.outbox), 4, 'an email and a push job per message for the subscribed user');
SELECT is((SELECT push_status FROM chatter.notifications WHERE message_id = :m1), 'pending', 'push delivery is pending');

SELECT is((SELECT array_agg(kind || ':' || (priority)::text ORDER BY id) FROM chatter.outbox_claim('w1', 2)),
    '{email:0,push:0}'::text[], 'send_immediately jobs are claimed first');
SELECT is((SELECT count(*)::int FROM chatter.outbox_claim('w2', 10)), 2, 'another worker gets only the unclaimed jobs');
SELECT is((SELECT count(*)::int FROM chatter.outbox_claim('w3', 10)), 0, 'nothing is claimed twice');

SELECT lives_ok(format('SELECT chatter.outbox_complete(%s, %L)', (SELECT min(id) FROM chatter.outbox WHERE claimed_by = 'w1'), 'w1'),
    'complete a job');
SELECT is((SELECT email_status FROM chatter.notifications WHERE message_id = :m2), 'sent', 'the notification says sent');
SELECT throws_ok(format('SELECT chatter.outbox_complete(%s, %L)', (SELECT max(id) FROM chatter.outbox WHERE claimed_by = 'w1'), 'w2'),
    'CH004', NULL, 'a worker cannot complete another''s claim');

SELECT is(chatter.outbox_fail((SELECT min(id) FROM chatter.outbox WHERE claimed_by = 'w2'), 'w2', 'SMTP 451'), 'pending',
    'a failure is retried');
SELECT ok((SELECT run_after > now() AND last_error = 'SMTP 451' FROM chatter.outbox WHERE last_error IS NOT NULL),
    'later, with backoff, and the error kept');
SELECT is(chatter.outbox_fail((SELECT max(id) FROM chatter.outbox WHERE claimed_by = 'w2'), 'w2', '410 Gone', permanent => true),
    'dead', 'a permanent failure is a dead letter at once');
SELECT is((SELECT push_status FROM chatter.notifications WHERE message_id = :m1), 'failed', 'the notification says failed');

-- A crashed worker's claim is taken over after the lease.
UPDATE chatter.outbox SET claimed_at = now() - interval '10 minutes' WHERE status = 'claimed';  -- w1 crashed
SELECT is((SELECT count(*)::int FROM chatter.outbox_claim('w4', 10)), 1,
    'a stale claim is taken over');
UPDATE chatter.outbox SET run_after = now() - interval '1 second', attempts = 8 WHERE status = 'pending';
SELECT is((SELECT chatter.outbox_fail(id, 'w5', 'again') FROM chatter.outbox_claim('w5', 10) WHERE attempts > 8), 'dead',
    'after the last attempt a job is a dead letter');

SELECT * FROM finish();
ROLLBACK;
