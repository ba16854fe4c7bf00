-- Deploy pgchatter:outbox_batch to pg
-- requires: outbox

BEGIN;

-- One round trip per batch: the listener records every outcome of a batch at once.
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

REVOKE EXECUTE ON FUNCTION chatter.outbox_done(text, bigint[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.outbox_release(text, bigint[], text, interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.outbox_fail_batch(text, bigint[], text[], boolean[], double precision[], integer) FROM PUBLIC;

COMMIT;
