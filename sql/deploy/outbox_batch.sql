-- Deploy pgchatter:outbox_batch to pg
-- requires: outbox

BEGIN;

-- One round trip per batch: the listener records every delivery of a batch at once (failures:
-- outbox_fail_batch, in the outbox change).
CREATE FUNCTION chatter.outbox_done(worker text, jobs bigint[]) RETURNS SETOF bigint
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    -- A job no longer claimed by worker was taken over after the lease (or dead-lettered): it is skipped,
    -- not an error, and is not returned.
    RETURN QUERY
    WITH done AS (
        UPDATE chatter.outbox AS o SET status = 'done', done_at = now(), last_error = NULL
         WHERE o.id = ANY (jobs) AND o.status = 'claimed' AND o.claimed_by = worker
        RETURNING o.id, o.kind, o.notification_id
    ), notified AS (
        UPDATE chatter.notifications AS x
           SET email_status = CASE WHEN d.emailed THEN 'sent' ELSE x.email_status END,
               push_status = CASE WHEN d.pushed THEN 'sent' ELSE x.push_status END
          FROM (SELECT d.notification_id, bool_or(d.kind = 'email') AS emailed, bool_or(d.kind = 'push') AS pushed
                  FROM done AS d GROUP BY d.notification_id) AS d
         WHERE x.id = d.notification_id
    )
    SELECT d.id FROM done AS d ORDER BY d.id;
END
$$;
COMMENT ON FUNCTION chatter.outbox_done(text, bigint[]) IS
    'Mark the given jobs claimed by worker delivered (notifications say sent); returns the ids it marked';

-- The transport is down (SMTP unreachable, no push keys): put the claims back without spending an attempt,
-- so an outage of any length never turns mail into dead letters.
CREATE FUNCTION chatter.outbox_release(worker text, jobs bigint[], error text DEFAULT NULL,
                                       delay interval DEFAULT '0') RETURNS integer
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    released integer;
BEGIN
    UPDATE chatter.outbox AS o
       SET status = 'pending', attempts = greatest(o.attempts - 1, 0), run_after = now() + delay,
           claimed_by = NULL, claimed_at = NULL, last_error = coalesce(error, o.last_error)
     WHERE o.id = ANY (jobs) AND o.status = 'claimed' AND o.claimed_by = worker;
    GET DIAGNOSTICS released = ROW_COUNT;
    RETURN released;
END
$$;
COMMENT ON FUNCTION chatter.outbox_release(text, bigint[], text, interval) IS
    'Give claimed jobs back (transport down) without spending an attempt; due again after delay';

REVOKE EXECUTE ON FUNCTION chatter.outbox_done(text, bigint[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.outbox_release(text, bigint[], text, interval) FROM PUBLIC;

COMMIT;
