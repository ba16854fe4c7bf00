-- What the listener relies on: delivery_claim renders jobs, batches are recorded at once, outages spend
-- no attempt, 404/410 expires a subscription, stale claims on their last attempt are dead letters.
BEGIN;
SELECT plan(33);

INSERT INTO chatter.contacts (id, name, email) VALUES
    (9001, 'Alice Author', 'alice@example.com'), (9002, 'Bob', 'bob@example.com'), (9003, 'Carol', 'carol@example.com');
INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 9001, 'alice'), (2, 9002, 'bob'), (3, 9003, 'carol');
INSERT INTO chatter.push_subscriptions (id, user_id, endpoint, p256dh, auth) VALUES
    (71, 2, 'http://127.0.0.1:9/push/bob', 'k', 'a'), (72, 2, 'http://127.0.0.1:9/push/bob2', 'k', 'a');
CREATE TABLE public.deals (id int PRIMARY KEY, name text);
INSERT INTO public.deals VALUES (1, 'Big deal'), (2, '');
SELECT chatter.enable('deals', track => false);
SELECT chatter.subscribe('deals', 1, '{9002}');
SELECT chatter.add_attachment('quote.pdf', '\x255044462d', 'application/pdf') AS att \gset
SELECT chatter.create_message('<p>First</p>', subject => 'Quote', author => 9001, model => 'deals', document => 1,
                              send => true, attachments => ARRAY[:att]::bigint[]) AS m1 \gset
SELECT chatter.create_message('<p>Reply</p>', author => 9001, model => 'deals', document => 1, send => true,
                              parent => :m1, reply_to => 'deals@example.com') AS m2 \gset
SELECT chatter.create_message('<p>Reply to reply</p>', author => 9001, model => 'deals', document => 1, send => true,
                              parent => :m2) AS m3 \gset

SELECT is(chatter.record_label('deals', 1), 'Big deal', 'record_label: the name column');
SELECT is(chatter.record_label('deals', 2), 'deals #2', 'record_label: an empty name falls back to model #id');

CREATE TEMP TABLE claimed AS
SELECT * FROM chatter.delivery_claim('w1', 100, kinds => '{email}', mail_domain => 'mail.test');
SELECT is((SELECT count(*)::int FROM claimed), 3, 'one email job per message for the follower');
SELECT is((SELECT email->>'to' FROM claimed WHERE message_id = :m1), 'bob@example.com', 'to: the recipient''s address');
SELECT is((SELECT email->>'from_name' || ' <' || (email->>'from_address') || '>' FROM claimed WHERE message_id = :m1),
    'Alice Author <alice@example.com>', 'from: the author');
SELECT is((SELECT email->>'subject' FROM claimed WHERE message_id = :m1), 'Quote', 'subject: the message''s');
SELECT is((SELECT email->>'subject' FROM claimed WHERE message_id = :m2), 'Big deal', 'no subject: the record''s label');
SELECT is((SELECT email->>'reply_to' FROM claimed WHERE message_id = :m2), 'deals@example.com', 'reply_to as given');
SELECT is((SELECT email->>'reply_to' FROM claimed WHERE message_id = :m1),
    'reply+' || chatter.mail_token(:m1, 9002) || '@mail.test',
    'reply_to defaults to the thread''s reply token (SPEC 8a): <alias>+<token>@<mail domain>');
SELECT is((SELECT email->>'message_id' FROM claimed WHERE message_id = :m1), format('<pgchatter.%s.9002@mail.test>', :m1),
    'a stable Message-ID per message and recipient');
SELECT is((SELECT email->>'in_reply_to' FROM claimed WHERE message_id = :m3), format('<pgchatter.%s.9002@mail.test>', :m2),
    'In-Reply-To: the parent''s Message-ID for the same recipient');
SELECT is((SELECT email->>'references' FROM claimed WHERE message_id = :m3),
    format('<pgchatter.%s.9002@mail.test> <pgchatter.%s.9002@mail.test>', :m1, :m2), 'References: the thread, oldest first');
SELECT is((SELECT email->'attachments'->0->>'name' FROM claimed WHERE message_id = :m1), 'quote.pdf', 'attachments are listed');

SELECT is((SELECT count(*)::int FROM chatter.outbox_done('w1', ARRAY(SELECT job FROM claimed))), 3, 'a batch is recorded at once');
SELECT is((SELECT string_agg(DISTINCT email_status, ',') FROM chatter.notifications WHERE message_id IN (:m1, :m2, :m3)), 'sent',
    'the notifications say sent');
SELECT is((SELECT count(*)::int FROM chatter.outbox_done('w1', ARRAY(SELECT job FROM claimed))), 0,
    'a job no longer claimed is skipped, not an error');

-- Push: rendered with the payload; a 410 expires the subscription and dead-letters its waiting jobs.
CREATE TEMP TABLE pushes AS SELECT * FROM chatter.delivery_claim('w2', 2, kinds => '{push}');
SELECT is((SELECT push->'payload' FROM pushes ORDER BY job LIMIT 1), chatter.notification_payload(:m1),
    'a push carries notification_payload');
SELECT is(chatter.outbox_subscription_gone((SELECT min(job) FROM pushes), 'w2', '410 Gone'), 3,
    'a 410 dead-letters the job and the subscription''s waiting jobs');
SELECT ok((SELECT expired_at IS NOT NULL FROM chatter.push_subscriptions WHERE id = 71), 'the subscription is expired');
SELECT is((SELECT count(*)::int FROM chatter.dead_letters WHERE last_error = '410 Gone'), 3, 'dead letters are visible with their error');

-- An outage gives claims back without spending an attempt.
CREATE TEMP TABLE more AS SELECT * FROM chatter.delivery_claim('w3', 10, kinds => '{push}');
SELECT is(chatter.outbox_release('w3', ARRAY(SELECT job FROM more), 'push service down', '0'), (SELECT count(*)::int FROM more),
    'released');
SELECT is((SELECT max(attempts) FROM chatter.outbox WHERE id IN (SELECT job FROM more)), 0, 'no attempt spent');

-- A stale claim on its last attempt is a dead letter, not taken over again.
SELECT count(*) FROM chatter.delivery_claim('w4', 1, kinds => '{push}');
UPDATE chatter.outbox SET attempts = 8, claimed_at = now() - interval '1 hour' WHERE claimed_by = 'w4';
SELECT is((SELECT count(*)::int FROM chatter.outbox_claim('w5', 10, kinds => '{push}') WHERE attempts > 8), 0,
    'the exhausted stale claim is not claimed again');
SELECT is((SELECT count(*)::int FROM chatter.dead_letters WHERE last_error LIKE 'claimed by w4 and not completed%'), 1,
    'it is a dead letter saying why');

-- An operator requeues dead letters.
SELECT is(chatter.outbox_retry(ARRAY(SELECT job FROM chatter.dead_letters WHERE last_error = '410 Gone')), 3,
    'outbox_retry requeues dead letters');
SELECT is((SELECT string_agg(DISTINCT status || '/' || attempts, ',') FROM chatter.outbox WHERE last_error = '410 Gone'),
    'pending/0', 'pending again with fresh attempts');
SELECT is((SELECT count(*)::int FROM chatter.notifications WHERE push_status = 'failed'), 0,
    'their notifications are pending again');

-- Failures of a batch at once: backoff, a server's Retry-After, dead letters.
CREATE TEMP TABLE again AS SELECT id AS job, row_number() OVER (ORDER BY id) AS n
  FROM chatter.outbox_claim('w6', 3, kinds => '{push}');
SELECT is((SELECT string_agg(f.status, ',' ORDER BY f.job) FROM chatter.outbox_fail_batch('w6',
              ARRAY(SELECT job FROM again ORDER BY n), '{push 500, bad keys, push 429}', '{f,t,f}', '{NULL,NULL,120}') AS f),
    'pending,dead,pending', 'a batch of failures is recorded at once');
SELECT is((SELECT run_after - now() FROM chatter.outbox WHERE id = (SELECT job FROM again WHERE n = 1)), interval '2 seconds',
    'a retry waits the exponential backoff');
SELECT is((SELECT run_after - now() FROM chatter.outbox WHERE id = (SELECT job FROM again WHERE n = 3)), interval '120 seconds',
    'or as long as the server asked');
SELECT is((SELECT push_status FROM chatter.notifications
            WHERE id = (SELECT notification_id FROM chatter.outbox WHERE id = (SELECT job FROM again WHERE n = 2))),
    'failed', 'a dead letter''s notification says failed');
SELECT is((SELECT count(*)::int FROM chatter.outbox_fail_batch('w6', ARRAY(SELECT job FROM again), '{x,x,x}', '{f,f,f}',
              '{NULL,NULL,NULL}')), 0, 'jobs no longer claimed are skipped');
SELECT throws_ok($$SELECT * FROM chatter.outbox_fail_batch('w6', '{1,2}', '{x}', '{f,f}', '{NULL,NULL}')$$, 'CH005', NULL,
    'the arrays must be parallel');

SELECT * FROM finish();
ROLLBACK;
