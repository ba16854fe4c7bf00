-- Revert pgchatter:share_rule from pg
-- The policy as record_rls_rows wrote it, the share rule inline.

BEGIN;

DROP POLICY messages_record_read ON chatter.messages;
CREATE POLICY messages_record_read ON chatter.messages AS RESTRICTIVE FOR SELECT TO chatter_app
    USING ((SELECT chatter.current_user_id()) IS NOT NULL
           AND CASE WHEN channel_id IS NOT NULL THEN true
                    WHEN model IS NOT NULL THEN chatter.record_readable(model, document)
                    ELSE author_id = (SELECT chatter.current_contact_id())
                         OR chatter._notified(messages.id)
               END
           AND CASE WHEN (SELECT chatter._acting_internal()) THEN true
                    ELSE message_type <> 'Note'
                         AND NOT EXISTS (SELECT FROM chatter.subtypes AS s WHERE s.id = messages.subtype_id AND s.internal)
               END);
DROP FUNCTION chatter._shown_to_share(chatter.message_type, bigint);

COMMIT;
