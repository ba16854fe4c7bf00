-- Deploy pgchatter:share_rule to pg
-- requires: record_rls_rows
-- requires: users_share

BEGIN;

-- SPEC 2a: internal-only content is hidden from share (portal) users. For messages that is: no Note and no
-- message of an internal subtype. One definition, called by the messages policy (for the acting user) and by
-- the bridge's batched catch-up (for many users at once, read as the bridge's login role), which until now
-- restated it in its own SQL. Not SECURITY DEFINER: it reads chatter.subtypes, which chatter_app reads.
CREATE FUNCTION chatter._shown_to_share(message_type chatter.message_type, subtype_id bigint) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT _shown_to_share.message_type <> 'Note'::chatter.message_type
       AND NOT EXISTS (SELECT FROM chatter.subtypes AS s WHERE s.id = _shown_to_share.subtype_id AND s.internal)
$$;
COMMENT ON FUNCTION chatter._shown_to_share(chatter.message_type, bigint) IS
    'Whether a share (portal) user may see a message of this type and subtype (SPEC 2a: no Note, no internal subtype); internal users see every one';
REVOKE EXECUTE ON FUNCTION chatter._shown_to_share(chatter.message_type, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._shown_to_share(chatter.message_type, bigint) TO chatter_app;

-- As record_rls_rows, the share part now the function above. Still a CASE on the acting user first: an
-- internal user's rows never call it.
DROP POLICY messages_record_read ON chatter.messages;
CREATE POLICY messages_record_read ON chatter.messages AS RESTRICTIVE FOR SELECT TO chatter_app
    USING ((SELECT chatter.current_user_id()) IS NOT NULL
           AND CASE WHEN channel_id IS NOT NULL THEN true
                    WHEN model IS NOT NULL THEN chatter.record_readable(model, document)
                    ELSE author_id = (SELECT chatter.current_contact_id())
                         OR chatter._notified(messages.id)
               END
           AND CASE WHEN (SELECT chatter._acting_internal()) THEN true
                    ELSE chatter._shown_to_share(message_type, subtype_id)
               END);

COMMIT;
