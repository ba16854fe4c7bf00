-- Deploy pgchatter:message_audience to pg
-- requires: message_audience@v0.8.0

BEGIN;

-- As in v0.8.0, with one shortcut (issue 25): a chat message outside a DM whose body cannot hold a mention
-- (no "@", no "&#", as _mentioned_contacts decides) and that has no explicit recipient has no audience.
-- A chat message has no record (messages_shape_check), so no followers and no record contacts; its
-- channel is not Direct, so no 'direct' branch: every branch of the query is empty. That is known from
-- the message's own row, read once (it was read anyway for the not-found check), without starting the
-- executor of the audience query: 0.64 M instructions of a 2.3 M chat post, most of them that start.
-- Everything else takes the query, unchanged: aggregated first, then its contacts, users and memberships
-- looked up by id (v0.8.0).
CREATE OR REPLACE FUNCTION chatter.message_audience(message bigint) RETURNS TABLE (contact_id bigint, email text, via text[])
LANGUAGE plpgsql
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    nobody boolean;
BEGIN
    -- As the caller: a message it may not read (row-level security) is not found, as a missing one. The
    -- channel and the recipients are read as the caller too, as the query below reads them.
    SELECT m.channel_id IS NOT NULL
           AND strpos(m.body, '@') = 0 AND strpos(m.body, '&#') = 0
           AND NOT EXISTS (SELECT FROM chatter.channels AS ch WHERE ch.id = m.channel_id AND ch.kind = 'Direct')
           AND NOT EXISTS (SELECT FROM chatter.message_recipients AS r WHERE r.message_id = m.id)
      INTO nobody
      FROM chatter.messages AS m WHERE m.id = message_audience.message;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'message % not found', coalesce(message_audience.message::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    -- A chat message outside a DM, no mention possible, no recipient: every branch below is empty.
    IF nobody THEN
        RETURN;
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
        ), audience AS (
            SELECT r.contact_id, array_agg(DISTINCT r.via ORDER BY r.via) AS via FROM raw AS r GROUP BY r.contact_id
        )
        -- OFFSET 0: kept as lookups by id, never flattened into a hash of the whole table.
        SELECT r.contact_id, c.email, r.via
          FROM audience AS r
          CROSS JOIN msg
          CROSS JOIN LATERAL (SELECT c.email FROM chatter.contacts AS c WHERE c.id = r.contact_id OFFSET 0) AS c
          LEFT JOIN LATERAL (SELECT u.id, u.active, u.notification, u.share FROM chatter.users AS u
                              WHERE u.contact_id = r.contact_id OFFSET 0) AS u ON true
          -- (a join, not EXISTS: an EXISTS under OR became a hash of every channel member)
          LEFT JOIN LATERAL (SELECT true AS member FROM chatter.channel_members AS cm
                              WHERE cm.channel_id = msg.channel_id AND cm.user_id = u.id OFFSET 0) AS cm ON true
         WHERE r.contact_id IS DISTINCT FROM msg.author_id
           -- A chat message reaches only members of its channel.
           AND (msg.channel_id IS NULL OR cm.member)
           -- Users by their preference; other contacts can only be emailed.
           AND CASE WHEN u.id IS NULL THEN c.email IS NOT NULL ELSE u.active AND u.notification <> 'none' END
           -- Internal content: internal users only.
           AND (NOT coalesce(msg.internal, false) OR (u.id IS NOT NULL AND NOT u.share))
         ORDER BY r.contact_id;
END
$$;

COMMIT;
