-- Revert pgchatter:outbox from pg
-- Restores the v0.2.0 bodies of outbox_claim and outbox_fail; outbox_fail_batch goes.

BEGIN;

DROP FUNCTION chatter.outbox_claim(text, integer, interval, integer, text[]);

CREATE FUNCTION chatter.outbox_claim(worker text, n integer DEFAULT 10, lease interval DEFAULT '5 minutes')
RETURNS SETOF chatter.outbox
LANGUAGE sql
SET search_path = ''
AS $$
    -- A claim older than the lease belongs to a crashed worker: it is taken over.
    UPDATE chatter.outbox AS o
       SET status = 'claimed', claimed_by = worker, claimed_at = now(), attempts = o.attempts + 1
     WHERE o.id IN (SELECT c.id FROM chatter.outbox AS c
                     WHERE (c.status = 'pending' AND c.run_after <= now())
                        OR (c.status = 'claimed' AND c.claimed_at < now() - lease)
                     ORDER BY c.priority, c.id
                     LIMIT n
                     FOR UPDATE SKIP LOCKED)
    RETURNING o.*
$$;
COMMENT ON FUNCTION chatter.outbox_claim(text, integer, interval) IS
    'Claim up to n due jobs for worker (FOR UPDATE SKIP LOCKED); stale claims are taken over';
REVOKE EXECUTE ON FUNCTION chatter.outbox_claim(text, integer, interval) FROM PUBLIC;

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
        IF failed.kind = 'email' THEN
            UPDATE chatter.notifications AS n SET email_status = 'failed' WHERE n.id = failed.notification_id;
        ELSE
            UPDATE chatter.notifications AS n SET push_status = 'failed' WHERE n.id = failed.notification_id;
        END IF;
    END IF;
    RETURN failed.status;
END
$$;

DROP FUNCTION chatter.outbox_fail_batch(text, bigint[], text[], boolean[], double precision[], integer);

COMMIT;
