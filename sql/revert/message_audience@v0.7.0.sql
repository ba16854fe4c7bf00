-- Revert pgchatter:message_audience from pg (restores the @v0.6.0 definition)
-- requires: message_audience@v0.5.0, html_text

BEGIN;

-- SPEC 5, chat notifications: a DM notifies its other member (via 'direct'); a post in a Public or
-- Private channel notifies only the members it mentions (as before). The rest is as in v0.5.0.
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
             WHERE msg.message_type = 'Message' AND msg.in_feed AND msg.subtype_id = ANY (rf.subtype_ids)
            UNION ALL
            SELECT r.contact_id, 'recipient' FROM msg
              JOIN chatter.message_recipients AS r ON r.message_id = msg.id
             WHERE msg.message_type = 'Message'
            UNION ALL
            SELECT x, 'mention' FROM msg, chatter._mentioned_contacts(msg.body) AS x
             WHERE msg.message_type <> 'Tracking'
            UNION ALL
            SELECT x, 'record' FROM msg, chatter._record_contacts(msg.model, msg.document) AS x
             WHERE msg.message_type = 'Message' AND msg.in_feed
            UNION ALL
            SELECT du.contact_id, 'direct' FROM msg
              JOIN chatter.channels AS ch ON ch.id = msg.channel_id AND ch.kind = 'Direct'
              JOIN chatter.channel_members AS dm ON dm.channel_id = ch.id
              JOIN chatter.users AS du ON du.id = dm.user_id
             WHERE msg.message_type = 'Message'
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

-- notification_payload as before (the seed's shape for a record's message), and for a chat message also
-- where it was said, so every toast, bell entry and push opens the conversation: channel_id,
-- channel_name, channel_kind and, for a DM, partner_name (the other person, as its recipient sees it:
-- the author). The preview is chatter._preview of the body: its chatter.html_text on one line, the same
-- text as the email's text part, cut to 140 characters (< > as ‹ ›).
CREATE OR REPLACE FUNCTION chatter.notification_payload(message bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    result jsonb;
BEGIN
    SELECT jsonb_build_object(
               'kind', 'message', 'model', m.model, 'document', m.document, 'message_id', m.id,
               'title', coalesce(a.name, m.from_email, 'Someone'),
               'body', left(coalesce(nullif(btrim(m.subject), ''), chatter._preview(m.body)), 140))
           || CASE WHEN m.channel_id IS NOT NULL
                   THEN jsonb_build_object('channel_id', m.channel_id, 'channel_name', ch.name,
                                           'channel_kind', ch.kind,
                                           'partner_name', CASE WHEN ch.kind = 'Direct' THEN a.name END)
                   ELSE '{}'::jsonb END
      INTO result
      FROM chatter.messages AS m
      LEFT JOIN chatter.contacts AS a ON a.id = m.author_id
      LEFT JOIN chatter.channels AS ch ON ch.id = m.channel_id
     WHERE m.id = message;
    IF result IS NULL THEN
        RAISE EXCEPTION 'message % not found', coalesce(message::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    RETURN result;
END
$$;

COMMIT;
