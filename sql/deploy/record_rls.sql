-- Deploy pgchatter:record_rls to pg
-- requires: readable_models, channel_rls, followers, attachments, notifications, activities

BEGIN;

-- Record feeds: chatter_app reads the messages of models it may read (chatter.readable_models()),
-- chat messages as channel_rls allows, its own messages, and the messages it was notified of.
-- RESTRICTIVE, like the channel rules, so the permissive messages_app can never widen it.
CREATE POLICY messages_record_read ON chatter.messages AS RESTRICTIVE FOR SELECT TO chatter_app
    USING (channel_id IS NOT NULL
           OR model IN (SELECT chatter.readable_models())
           OR author_id = (SELECT chatter.current_contact_id())
           OR EXISTS (SELECT FROM chatter.notifications AS n WHERE n.message_id = messages.id));

-- Followers of records one may read, and one's own subscriptions.
ALTER TABLE chatter.followers ENABLE ROW LEVEL SECURITY;
CREATE POLICY followers_visible ON chatter.followers FOR SELECT TO chatter_app
    USING (model IN (SELECT chatter.readable_models()) OR contact_id = (SELECT chatter.current_contact_id()));

-- Attachments: of readable records, one's own uploads, and those carried by a message one can read.
ALTER TABLE chatter.message_attachments ENABLE ROW LEVEL SECURITY;
CREATE POLICY message_attachments_visible ON chatter.message_attachments FOR SELECT TO chatter_app
    USING (EXISTS (SELECT FROM chatter.messages AS m WHERE m.id = message_attachments.message_id));
ALTER TABLE chatter.attachments ENABLE ROW LEVEL SECURITY;
CREATE POLICY attachments_visible ON chatter.attachments FOR SELECT TO chatter_app
    USING (model IN (SELECT chatter.readable_models())
           OR created_by = (SELECT chatter.current_contact_id())
           OR EXISTS (SELECT FROM chatter.message_attachments AS ma WHERE ma.attachment_id = attachments.id));

-- Explicit recipients: of the messages one can read.
ALTER TABLE chatter.message_recipients ENABLE ROW LEVEL SECURITY;
CREATE POLICY message_recipients_visible ON chatter.message_recipients FOR SELECT TO chatter_app
    USING (EXISTS (SELECT FROM chatter.messages AS m WHERE m.id = message_recipients.message_id));

-- Activities: one's own, and those on records one may read; new ones only on readable records.
ALTER TABLE chatter.activities ENABLE ROW LEVEL SECURITY;
CREATE POLICY activities_visible ON chatter.activities FOR ALL TO chatter_app
    USING (assigned_to = (SELECT chatter.current_user_id()) OR model IN (SELECT chatter.readable_models()))
    WITH CHECK (model IN (SELECT chatter.readable_models()));

COMMIT;
