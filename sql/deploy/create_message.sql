-- Deploy pgchatter:create_message to pg
-- requires: create_message@v0.8.0

BEGIN;

-- As in v0.8.0 (a muted channel's members get no Web Push, their in-app notification is still written),
-- with one shortcut (issue 25): when the audience got no notification and no notification of the message
-- waits for an email or a push job, the two outbox INSERTs would find nothing; they are not started (an
-- index probe instead of two INSERTs' executor start, about 0.1 M instructions of a chat post that
-- notifies nobody). Exactly as before otherwise, a second call for a message included. And the audience's
-- users are looked up by contact id, not hashed (below).
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
                     -- SPEC 5: a muted channel sends no push (its inbox entry and frame remain).
                     AND NOT EXISTS (SELECT FROM chatter.messages AS m
                                       JOIN chatter.channel_members AS cm ON cm.channel_id = m.channel_id
                                      WHERE m.id = _notify_audience.message AND cm.user_id = u.id AND cm.is_muted)
                THEN 'pending' ELSE 'none' END
      FROM chatter.message_audience(_notify_audience.message) AS a
      -- OFFSET 0: each audience member's user looked up by id (users_contact_id_key), never a hash of every
      -- user, which the kept plan chose (a function's rows are guessed at 1,000): 10,000 users hashed in
      -- every post that notified someone, 19 M instructions at 10,000 users (issue 25).
      LEFT JOIN LATERAL (SELECT u.id, u.notification FROM chatter.users AS u
                          WHERE u.contact_id = a.contact_id OFFSET 0) AS u ON true
     -- Contacts without a login exist only for email.
     WHERE u.id IS NOT NULL OR (_notify_audience.email AND a.email IS NOT NULL)
    ON CONFLICT ON CONSTRAINT notifications_message_contact_key DO NOTHING;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written = 0 AND NOT EXISTS (SELECT FROM chatter.notifications AS n
                                    WHERE n.message_id = _notify_audience.message
                                      AND (n.email_status = 'pending' OR n.push_status = 'pending')) THEN
        RETURN 0;
    END IF;

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
