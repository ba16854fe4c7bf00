-- Deploy pgchatter:message_audience to pg
-- requires: message_audience@v0.6.0
-- requires: message_type_email

BEGIN;

-- SPEC 8a: an 'Email' message (a reply received by the mail gateway) reaches the audience of a
-- 'Message': followers, explicit recipients, the record's contacts. The rest is as in v0.6.0.
CREATE OR REPLACE FUNCTION chatter.message_audience(message bigint) RETURNS TABLE (contact_id bigint, email text, via text[])
LANGUAGE plpgsql
SET search_path = ''
AS $$
#variable_conflict use_column
BEGIN
    -- As the caller: a message it may not read (row-level security) is not found, as a missing one.
    IF NOT EXISTS (SELECT FROM chatter.messages AS m WHERE m.id = message_audience.message) THEN
        RAISE EXCEPTION 'message % not found', coalesce(message_audience.message::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    RETURN QUERY
        WITH msg AS (SELECT m.*, m.message_type = 'Note' OR s.internal AS internal
                       FROM chatter.messages AS m LEFT JOIN chatter.subtypes AS s ON s.id = m.subtype_id
                      WHERE m.id = message_audience.message),
        raw (contact_id, via) AS (
            SELECT rf.contact_id, rf.via FROM msg, chatter._record_followers(msg.model, msg.document) AS rf
             WHERE msg.message_type IN ('Message', 'Email') AND msg.in_feed AND msg.subtype_id = ANY (rf.subtype_ids)
            UNION ALL
            SELECT r.contact_id, 'recipient' FROM msg
              JOIN chatter.message_recipients AS r ON r.message_id = msg.id
             WHERE msg.message_type IN ('Message', 'Email')
            UNION ALL
            SELECT x, 'mention' FROM msg, chatter._mentioned_contacts(msg.body) AS x
             WHERE msg.message_type <> 'Tracking'
            UNION ALL
            SELECT x, 'record' FROM msg, chatter._record_contacts(msg.model, msg.document) AS x
             WHERE msg.message_type IN ('Message', 'Email') AND msg.in_feed
            UNION ALL
            SELECT du.contact_id, 'direct' FROM msg
              JOIN chatter.channels AS ch ON ch.id = msg.channel_id AND ch.kind = 'Direct'
              JOIN chatter.channel_members AS dm ON dm.channel_id = ch.id
              JOIN chatter.users AS du ON du.id = dm.user_id
             WHERE msg.message_type IN ('Message', 'Email')
        )
        SELECT r.contact_id, c.email, array_agg(DISTINCT r.via ORDER BY r.via)
          FROM raw AS r
          CROSS JOIN msg
          JOIN chatter.contacts AS c ON c.id = r.contact_id
          LEFT JOIN chatter.users AS u ON u.contact_id = r.contact_id
         WHERE r.contact_id IS DISTINCT FROM msg.author_id
           -- A chat message reaches only members of its channel.
           AND (msg.channel_id IS NULL OR EXISTS (SELECT FROM chatter.channel_members AS cm
                                                   WHERE cm.channel_id = msg.channel_id AND cm.user_id = u.id))
           -- Users by their preference; other contacts can only be emailed.
           AND CASE WHEN u.id IS NULL THEN c.email IS NOT NULL ELSE u.active AND u.notification <> 'none' END
           -- Internal content: internal users only.
           AND (NOT coalesce(msg.internal, false) OR (u.id IS NOT NULL AND NOT u.share))
         GROUP BY r.contact_id, c.email
         ORDER BY r.contact_id;
END
$$;

COMMIT;
