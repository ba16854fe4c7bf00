-- Deploy pgchatter:outbox to pg
-- requires: outbox@v0.4.0
-- requires: outbox_batch

BEGIN;

-- outbox_complete, the one-job form kept for callers of v0.2.0, is outbox_done of one job: what
-- "delivered" writes (the job, the notification's status) is written once.
CREATE OR REPLACE FUNCTION chatter.outbox_complete(job bigint, worker text) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM chatter.outbox_done(worker, ARRAY[job])) THEN
        RAISE EXCEPTION 'job % is not claimed by %', job, worker USING ERRCODE = 'CH004';
    END IF;
END
$$;

-- The listener's wake-up through the one throttle (chatter._wake).
CREATE OR REPLACE FUNCTION chatter._wake_listener() RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._wake('chatter_outbox');
END
$$;

COMMIT;
