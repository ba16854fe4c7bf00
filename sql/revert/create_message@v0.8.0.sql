-- Revert pgchatter:create_message from pg
-- Restores the notification writer of v0.2.0 (unchanged until this rework): push whatever the channel's mute.

BEGIN;

-- The notification writer: in-app notifications for the audience's users, email jobs when emailing,
-- push jobs for users with push subscriptions, one throttled wake-up. Returns how many were emailed.
CREATE OR REPLACE FUNCTION chatter._notify_audience(message bigint, email boolean, immediate boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    emailed integer;
    written integer;
BEGIN
    INSERT INTO chatter.notifications (message_id, contact_id, user_id, email_status, push_status)
    SELECT _notify_audience.message, a.contact_id, u.id,
           CASE WHEN _notify_audience.email AND a.email IS NOT NULL AND (u.id IS NULL OR u.notification = 'email')
                THEN 'pending' ELSE 'none' END,
           CASE WHEN EXISTS (SELECT FROM chatter.push_subscriptions AS p WHERE p.user_id = u.id AND p.expired_at IS NULL)
                THEN 'pending' ELSE 'none' END
      FROM chatter.message_audience(_notify_audience.message) AS a
      LEFT JOIN chatter.users AS u ON u.contact_id = a.contact_id
     -- Contacts without a login exist only for email.
     WHERE u.id IS NOT NULL OR (_notify_audience.email AND a.email IS NOT NULL)
    ON CONFLICT ON CONSTRAINT notifications_message_contact_key DO NOTHING;
    GET DIAGNOSTICS written = ROW_COUNT;

    INSERT INTO chatter.outbox (kind, notification_id, email, priority)
    SELECT 'email', n.id, c.email, CASE WHEN immediate THEN 0 ELSE 1 END
      FROM chatter.notifications AS n JOIN chatter.contacts AS c ON c.id = n.contact_id
     WHERE n.message_id = _notify_audience.message AND n.email_status = 'pending';
    GET DIAGNOSTICS emailed = ROW_COUNT;
    INSERT INTO chatter.outbox (kind, notification_id, push_subscription_id, priority)
    SELECT 'push', n.id, p.id, CASE WHEN immediate THEN 0 ELSE 1 END
      FROM chatter.notifications AS n
      JOIN chatter.push_subscriptions AS p ON p.user_id = n.user_id AND p.expired_at IS NULL
     WHERE n.message_id = _notify_audience.message AND n.push_status = 'pending';

    IF written > 0 THEN
        PERFORM chatter._wake_listener();
    END IF;
    RETURN emailed;
END
$$;
COMMENT ON FUNCTION chatter._notify_audience(bigint, boolean, boolean) IS
    'Writes notifications and outbox jobs for a message''s audience; returns the number of emails queued';

COMMIT;
