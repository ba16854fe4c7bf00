-- Deploy pgchatter:outbox to pg
-- requires: outbox@v0.2.0
-- Rework: claim only the kinds a listener can send; a stale claim on its last attempt becomes a dead
-- letter instead of being taken over forever (a job that crashes every listener must not loop); a
-- failure never turns a notification already sent through another subscription into 'failed'.

BEGIN;

DROP FUNCTION chatter.outbox_claim(text, integer, interval);

CREATE FUNCTION chatter.outbox_claim(worker text, n integer DEFAULT 10, lease interval DEFAULT '5 minutes',
                                     max_attempts integer DEFAULT 8, kinds text[] DEFAULT '{email,push}')
RETURNS SETOF chatter.outbox
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    -- A claim older than the lease belongs to a crashed worker. On its last attempt it is a dead letter:
    -- the job may be what crashed it.
    WITH dead AS (
        UPDATE chatter.outbox AS o
           SET status = 'dead', claimed_by = NULL, claimed_at = NULL,
               last_error = format('claimed by %s and not completed within %s (attempt %s of %s)',
                                   o.claimed_by, lease, o.attempts, max_attempts)
         WHERE o.id IN (SELECT c.id FROM chatter.outbox AS c
                         WHERE c.status = 'claimed' AND c.claimed_at < now() - lease
                           AND c.attempts >= max_attempts AND c.kind = ANY (kinds)
                         FOR UPDATE SKIP LOCKED)
        RETURNING o.kind, o.notification_id
    )
    UPDATE chatter.notifications AS x
       SET email_status = CASE WHEN d.kind = 'email' AND x.email_status <> 'sent' THEN 'failed' ELSE x.email_status END,
           push_status = CASE WHEN d.kind = 'push' AND x.push_status <> 'sent' THEN 'failed' ELSE x.push_status END
      FROM dead AS d
     WHERE x.id = d.notification_id;

    -- Due jobs, and stale claims with attempts left, in (priority, id) order.
    RETURN QUERY
    UPDATE chatter.outbox AS o
       SET status = 'claimed', claimed_by = worker, claimed_at = now(), attempts = o.attempts + 1
     WHERE o.id IN (SELECT c.id FROM chatter.outbox AS c
                     WHERE ((c.status = 'pending' AND c.run_after <= now())
                            OR (c.status = 'claimed' AND c.claimed_at < now() - lease AND c.attempts < max_attempts))
                       AND c.kind = ANY (kinds)
                     ORDER BY c.priority, c.id
                     LIMIT n
                     FOR UPDATE SKIP LOCKED)
    RETURNING o.*;
END
$$;
COMMENT ON FUNCTION chatter.outbox_claim(text, integer, interval, integer, text[]) IS
    'Claim up to n due jobs of the given kinds for worker (FOR UPDATE SKIP LOCKED); stale claims are taken over, '
    'or dead-lettered on their last attempt';

CREATE OR REPLACE FUNCTION chatter.outbox_fail(job bigint, worker text, error text, permanent boolean DEFAULT false,
                                               max_attempts integer DEFAULT 8) RETURNS text
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    failed chatter.outbox;
BEGIN
    -- Exponential backoff: 2, 4, 8 ... seconds, at most an hour; then a dead letter.
    UPDATE chatter.outbox AS o
       SET status = CASE WHEN permanent OR o.attempts >= max_attempts THEN 'dead' ELSE 'pending' END,
           run_after = now() + make_interval(secs => least(power(2, o.attempts), 3600)),
           last_error = error, claimed_by = NULL, claimed_at = NULL
     WHERE o.id = job AND o.status = 'claimed' AND o.claimed_by = worker
    RETURNING o.* INTO failed;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % is not claimed by %', job, worker USING ERRCODE = 'CH004';
    END IF;
    IF failed.status = 'dead' THEN
        -- Another subscription of the same user may already have delivered the push.
        IF failed.kind = 'email' THEN
            UPDATE chatter.notifications AS n SET email_status = 'failed'
             WHERE n.id = failed.notification_id AND n.email_status <> 'sent';
        ELSE
            UPDATE chatter.notifications AS n SET push_status = 'failed'
             WHERE n.id = failed.notification_id AND n.push_status <> 'sent';
        END IF;
    END IF;
    RETURN failed.status;
END
$$;

REVOKE EXECUTE ON FUNCTION chatter.outbox_claim(text, integer, interval, integer, text[]) FROM PUBLIC;

COMMIT;
