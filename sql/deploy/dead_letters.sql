-- Deploy pgchatter:dead_letters to pg
-- requires: outbox

BEGIN;

CREATE VIEW chatter.dead_letters AS
SELECT o.id AS job, o.kind, n.message_id, n.contact_id, o.email, o.push_subscription_id, o.attempts,
       o.last_error, o.created_at, o.run_after AS failed_at
  FROM chatter.outbox AS o
  JOIN chatter.notifications AS n ON n.id = o.notification_id
 WHERE o.status = 'dead';
COMMENT ON VIEW chatter.dead_letters IS
    'Deliveries given up after the last attempt (or refused for good), with the last error; requeue with outbox_retry';

CREATE INDEX outbox_dead_idx ON chatter.outbox (id) WHERE status = 'dead';

-- An operator fixed the cause (a typo in an address, the SMTP credentials): try these dead letters again.
CREATE FUNCTION chatter.outbox_retry(jobs bigint[]) RETURNS integer
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    requeued integer;
BEGIN
    WITH again AS (
        UPDATE chatter.outbox AS o SET status = 'pending', attempts = 0, run_after = now()
         WHERE o.id = ANY (jobs) AND o.status = 'dead'
        RETURNING o.kind, o.notification_id
    ), pending AS (
        UPDATE chatter.notifications AS x
           SET email_status = CASE WHEN a.kind = 'email' AND x.email_status = 'failed' THEN 'pending' ELSE x.email_status END,
               push_status = CASE WHEN a.kind = 'push' AND x.push_status = 'failed' THEN 'pending' ELSE x.push_status END
          FROM again AS a WHERE x.id = a.notification_id
    )
    SELECT count(*)::integer INTO requeued FROM again;
    IF requeued > 0 THEN
        PERFORM chatter._wake_listener();
    END IF;
    RETURN requeued;
END
$$;
COMMENT ON FUNCTION chatter.outbox_retry(bigint[]) IS 'Requeue dead letters with fresh attempts; returns how many';

REVOKE EXECUTE ON FUNCTION chatter.outbox_retry(bigint[]) FROM PUBLIC;

COMMIT;
