-- Deploy pgchatter:push_gone to pg
-- requires: outbox

BEGIN;

-- The push service answered 404 or 410: the subscription is gone for good. It is expired (no new jobs
-- are written for it) and its jobs still waiting become dead letters with the answer as their error.
CREATE FUNCTION chatter.outbox_subscription_gone(job bigint, worker text, error text) RETURNS integer
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    subscription bigint;
    dead integer;
BEGIN
    SELECT o.push_subscription_id INTO subscription FROM chatter.outbox AS o
     WHERE o.id = job AND o.kind = 'push' AND o.status = 'claimed' AND o.claimed_by = worker;
    IF NOT FOUND THEN
        RETURN 0;   -- already dead-lettered by a previous 410 for the same subscription
    END IF;
    UPDATE chatter.push_subscriptions AS p SET expired_at = now()
     WHERE p.id = subscription AND p.expired_at IS NULL;
    WITH gone AS (
        UPDATE chatter.outbox AS o
           SET status = 'dead', last_error = error, claimed_by = NULL, claimed_at = NULL
         WHERE o.push_subscription_id = subscription
           AND (o.status = 'pending' OR (o.status = 'claimed' AND o.claimed_by = worker))
        RETURNING o.notification_id
    ), failed AS (
        UPDATE chatter.notifications AS x SET push_status = 'failed'
         WHERE x.id IN (SELECT g.notification_id FROM gone AS g) AND x.push_status <> 'sent'
    )
    SELECT count(*)::integer INTO dead FROM gone;
    RETURN dead;
END
$$;
COMMENT ON FUNCTION chatter.outbox_subscription_gone(bigint, text, text) IS
    'Push answered 404/410: expire the job''s subscription and dead-letter its waiting jobs; returns how many';

REVOKE EXECUTE ON FUNCTION chatter.outbox_subscription_gone(bigint, text, text) FROM PUBLIC;

COMMIT;
