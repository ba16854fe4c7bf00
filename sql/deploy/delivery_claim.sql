-- Deploy pgchatter:delivery_claim to pg
-- requires: outbox, render_email

BEGIN;

-- The listener's one claim: a batch of due jobs (outbox_claim: SKIP LOCKED, lease takeover, dead letters)
-- with everything needed to send each of them, in one round trip.
CREATE FUNCTION chatter.delivery_claim(worker text, n integer DEFAULT 50, lease interval DEFAULT '5 minutes',
                                       max_attempts integer DEFAULT 8, kinds text[] DEFAULT '{email,push}',
                                       mail_domain text DEFAULT 'pgchatter.localhost')
RETURNS TABLE (job bigint, kind text, attempts integer, message_id bigint, email jsonb, push jsonb)
LANGUAGE sql
SET search_path = ''
AS $$
    SELECT o.id, o.kind, o.attempts, x.message_id,
           CASE WHEN o.kind = 'email' THEN chatter.render_email(o.notification_id, o.email, mail_domain) END,
           CASE WHEN o.kind = 'push' THEN chatter.render_push(o.notification_id, o.push_subscription_id) END
      FROM chatter.outbox_claim(worker, n, lease, max_attempts, kinds) AS o
      JOIN chatter.notifications AS x ON x.id = o.notification_id
     ORDER BY o.priority, o.id
$$;
COMMENT ON FUNCTION chatter.delivery_claim(text, integer, interval, integer, text[], text) IS
    'Claim up to n jobs (outbox_claim) and render each: email (render_email) or Web Push (render_push)';

REVOKE EXECUTE ON FUNCTION chatter.delivery_claim(text, integer, interval, integer, text[], text) FROM PUBLIC;

COMMIT;
