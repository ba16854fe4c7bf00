-- Revert pgchatter:outbox from pg
-- Restores outbox_complete with its own UPDATEs and _wake_listener with its own throttle (v0.2.0).

BEGIN;

CREATE OR REPLACE FUNCTION chatter.outbox_complete(job bigint, worker text) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    done chatter.outbox;
BEGIN
    UPDATE chatter.outbox AS o SET status = 'done', done_at = now(), last_error = NULL
     WHERE o.id = job AND o.status = 'claimed' AND o.claimed_by = worker
    RETURNING o.* INTO done;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % is not claimed by %', job, worker USING ERRCODE = 'CH004';
    END IF;
    IF done.kind = 'email' THEN
        UPDATE chatter.notifications AS n SET email_status = 'sent' WHERE n.id = done.notification_id;
    ELSE
        UPDATE chatter.notifications AS n SET push_status = 'sent' WHERE n.id = done.notification_id;
    END IF;
END
$$;
COMMENT ON FUNCTION chatter.outbox_complete(bigint, text) IS 'Mark a claimed job delivered';

CREATE OR REPLACE FUNCTION chatter._wake_listener() RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF coalesce(lower(current_setting('chatter.wakeups', true)), '') = 'off' THEN
        RETURN;
    END IF;
    IF pg_try_advisory_xact_lock(hashtext('chatter_outbox')) THEN
        PERFORM pg_notify('chatter_outbox', '');
    END IF;
END
$$;

COMMIT;
