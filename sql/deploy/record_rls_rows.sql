-- Deploy pgchatter:record_rls_rows to pg
-- requires: record_rls, channel_rls, readable_models, current_user_id, users_share, inbox

BEGIN;

-- SPEC 2a, read side. Everything on a record is readable exactly when the record is: chatter.record_readable,
-- evaluated in the querying role's context, so the application's own grants and row-level security decide
-- (the v0.3.0 policies only asked whether the role may SELECT the table). Internal-only content (Notes,
-- internal subtypes, activities) is hidden from share users. Every policy starts from current_user_id(),
-- which is CH004 for a chatter_app connection without a valid acting user: reads fail closed.

-- Was the acting user notified of this message? SECURITY DEFINER: the policy on notifications asks
-- whether the message is readable, so the policy on messages cannot read notifications as the caller
-- (PostgreSQL refuses the recursion). It answers for the acting user's own notifications only.
CREATE FUNCTION chatter._notified(message bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
    SELECT EXISTS (SELECT FROM chatter.notifications AS n
                    WHERE n.message_id = _notified.message AND n.user_id = chatter.current_user_id())
$$;
COMMENT ON FUNCTION chatter._notified(bigint) IS 'Whether the acting user has a notification of the message';
REVOKE EXECUTE ON FUNCTION chatter._notified(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._notified(bigint) TO chatter_app;

-- Record messages: readable record; a message on no record: one's own or one was notified of. Chat
-- messages are left to channel_rls. CASE, not OR, so the record check never runs for chat rows.
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

DROP POLICY followers_visible ON chatter.followers;
CREATE POLICY followers_visible ON chatter.followers FOR SELECT TO chatter_app
    USING ((SELECT chatter.current_user_id()) IS NOT NULL AND chatter.record_readable(model, document));

-- Files on a record: as the record. Files on no record: one's own uploads and those a readable message carries.
DROP POLICY attachments_visible ON chatter.attachments;
CREATE POLICY attachments_visible ON chatter.attachments FOR SELECT TO chatter_app
    USING ((SELECT chatter.current_user_id()) IS NOT NULL
           AND CASE WHEN model IS NOT NULL THEN chatter.record_readable(model, document)
                    ELSE created_by = (SELECT chatter.current_contact_id())
                         OR EXISTS (SELECT FROM chatter.message_attachments AS ma WHERE ma.attachment_id = attachments.id)
               END);

-- Notifications: one's own, of messages one may still read.
DROP POLICY notifications_own ON chatter.notifications;
CREATE POLICY notifications_own ON chatter.notifications FOR SELECT TO chatter_app
    USING (user_id = (SELECT chatter.current_user_id())
           AND EXISTS (SELECT FROM chatter.messages AS m WHERE m.id = notifications.message_id));

-- Activities: internal users, on readable records. One changes or cancels the activities one is assigned
-- or created; created_by, done, done_date and feedback are not chatter_app's to write (column privileges
-- below): created_by is the acting user by default, and "done" goes through activity_done, which logs it.
DROP POLICY activities_visible ON chatter.activities;
CREATE POLICY activities_read ON chatter.activities FOR SELECT TO chatter_app
    USING ((SELECT chatter._acting_internal()) AND chatter.record_readable(model, record));
CREATE POLICY activities_insert ON chatter.activities FOR INSERT TO chatter_app
    WITH CHECK ((SELECT chatter._acting_internal()) AND chatter.record_readable(model, record));
CREATE POLICY activities_update ON chatter.activities FOR UPDATE TO chatter_app
    USING ((SELECT chatter._acting_internal()) AND chatter.record_readable(model, record)
           AND (SELECT chatter.current_user_id()) IN (assigned_to, created_by))
    WITH CHECK (chatter.record_readable(model, record));
CREATE POLICY activities_delete ON chatter.activities FOR DELETE TO chatter_app
    USING ((SELECT chatter._acting_internal()) AND chatter.record_readable(model, record)
           AND (SELECT chatter.current_user_id()) IN (assigned_to, created_by));
REVOKE INSERT, UPDATE ON chatter.activities FROM chatter_app;
GRANT INSERT (name, description, deadline, activity_type_id, model, record, assigned_to) ON chatter.activities
    TO chatter_app;
GRANT UPDATE (name, description, deadline, activity_type_id, model, record, assigned_to) ON chatter.activities
    TO chatter_app;

-- Channels: Public ones are for internal users (SPEC 2a); everyone sees the channels they are in.
DROP POLICY channels_visible ON chatter.channels;
CREATE POLICY channels_visible ON chatter.channels FOR SELECT TO chatter_app
    USING (kind = 'Public' AND (SELECT chatter._acting_internal()) OR id IN (SELECT chatter._my_channel_ids()));

-- Contacts: everyone with a user reads the directory. One edits one's own contact; internal users also
-- edit contacts that are no user's (customers), never another user's (their email would be redirected,
-- their @"Name" mention hijacked). Share users create no contacts.
ALTER TABLE chatter.contacts ENABLE ROW LEVEL SECURITY;
CREATE POLICY contacts_read ON chatter.contacts FOR SELECT TO chatter_app
    USING ((SELECT chatter.current_user_id()) IS NOT NULL);
CREATE POLICY contacts_insert ON chatter.contacts FOR INSERT TO chatter_app
    WITH CHECK ((SELECT chatter._acting_internal()));
CREATE POLICY contacts_update ON chatter.contacts FOR UPDATE TO chatter_app
    USING (id = (SELECT chatter.current_contact_id())
           OR (SELECT chatter._acting_internal())
              AND NOT EXISTS (SELECT FROM chatter.users AS u WHERE u.contact_id = contacts.id));

-- Users: readable once a user is named (not current_user_id(), which reads this table to check the user:
-- the policy would recurse); one changes one's own preference only (the column grant of users).
ALTER TABLE chatter.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_read ON chatter.users FOR SELECT TO chatter_app
    USING ((SELECT chatter._user_id_setting()) IS NOT NULL);
CREATE POLICY users_update_own ON chatter.users FOR UPDATE TO chatter_app
    USING (id = (SELECT chatter.current_user_id()));

-- The table-level test these policies used is gone: record_readable is the one definition.
DROP FUNCTION chatter.readable_models();
DROP FUNCTION chatter._models_readable_by(name);

COMMIT;
