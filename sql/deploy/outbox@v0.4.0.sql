-- Deploy pgchatter:outbox to pg
-- requires: outbox@v0.2.0
-- Rework: claim only the kinds a listener can send; a stale claim on its last attempt becomes a dead
-- letter instead of being taken over forever (a job that crashes every listener must not loop); a
-- failure never turns a notification already sent through another subscription into 'failed'.
-- outbox_fail_batch records a batch of failures at once; outbox_fail is one call of it.

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

-- Failed deliveries of a batch, recorded at once: each spends an attempt and is due again after the
-- exponential backoff of outbox_fail (2, 4, 8 ... s, at most an hour), or after not_before seconds when the
-- server asked for longer (a push service's Retry-After, at most a day); permanent failures and the last
-- attempt become dead letters, their notifications say failed. Jobs no longer claimed by worker are
-- skipped and not returned. The arrays are parallel: job i failed with errors[i], permanent[i], not_before[i].
CREATE FUNCTION chatter.outbox_fail_batch(worker text, jobs bigint[], errors text[], permanent boolean[],
                                          not_before double precision[], max_attempts integer DEFAULT 8)
RETURNS TABLE (job bigint, status text)
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF cardinality(jobs) IS DISTINCT FROM cardinality(errors) OR cardinality(jobs) IS DISTINCT FROM cardinality(permanent)
       OR cardinality(jobs) IS DISTINCT FROM cardinality(not_before) THEN
        RAISE EXCEPTION 'jobs, errors, permanent and not_before must have the same length' USING ERRCODE = 'CH005';
    END IF;
    RETURN QUERY
    WITH failed AS (
        UPDATE chatter.outbox AS o
           SET status = CASE WHEN f.permanent OR o.attempts >= max_attempts THEN 'dead' ELSE 'pending' END,
               run_after = now() + make_interval(secs => greatest(least(power(2, o.attempts), 3600),
                                                                  least(coalesce(f.not_before, 0), 86400))),
               last_error = f.error, claimed_by = NULL, claimed_at = NULL
          FROM unnest(jobs, errors, permanent, not_before) AS f (job, error, permanent, not_before)
         WHERE o.id = f.job AND o.status = 'claimed' AND o.claimed_by = worker
        RETURNING o.id, o.status, o.kind, o.notification_id
    ), dead AS (
        -- Another subscription of the same user may already have delivered the push.
        UPDATE chatter.notifications AS n
           SET email_status = CASE WHEN d.emailed AND n.email_status <> 'sent' THEN 'failed' ELSE n.email_status END,
               push_status = CASE WHEN d.pushed AND n.push_status <> 'sent' THEN 'failed' ELSE n.push_status END
          FROM (SELECT d.notification_id, bool_or(d.kind = 'email') AS emailed, bool_or(d.kind = 'push') AS pushed
                  FROM failed AS d WHERE d.status = 'dead' GROUP BY d.notification_id) AS d
         WHERE n.id = d.notification_id
    )
    SELECT f.id, f.status::text FROM failed AS f ORDER BY f.id;
END
$$;
COMMENT ON FUNCTION chatter.outbox_fail_batch(text, bigint[], text[], boolean[], double precision[], integer) IS
    'Record failed deliveries of a batch: backoff (or not_before), dead letters; returns the jobs it recorded';

-- One failure: outbox_fail_batch for a single job, except that a job no longer claimed by worker is an
-- error (CH004) rather than skipped.
CREATE OR REPLACE FUNCTION chatter.outbox_fail(job bigint, worker text, error text, permanent boolean DEFAULT false,
                                               max_attempts integer DEFAULT 8) RETURNS text
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    outcome text;
BEGIN
    SELECT f.status INTO outcome
      FROM chatter.outbox_fail_batch(worker, ARRAY[job], ARRAY[error], ARRAY[permanent],
                                     ARRAY[NULL::double precision], max_attempts) AS f;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % is not claimed by %', job, worker USING ERRCODE = 'CH004';
    END IF;
    RETURN outcome;
END
$$;

REVOKE EXECUTE ON FUNCTION chatter.outbox_claim(text, integer, interval, integer, text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.outbox_fail_batch(text, bigint[], text[], boolean[], double precision[], integer) FROM PUBLIC;

COMMIT;
