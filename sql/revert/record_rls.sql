-- Revert pgchatter:record_rls from pg

BEGIN;

DROP POLICY activities_visible ON chatter.activities;
ALTER TABLE chatter.activities DISABLE ROW LEVEL SECURITY;
DROP POLICY message_recipients_visible ON chatter.message_recipients;
ALTER TABLE chatter.message_recipients DISABLE ROW LEVEL SECURITY;
DROP POLICY attachments_visible ON chatter.attachments;
ALTER TABLE chatter.attachments DISABLE ROW LEVEL SECURITY;
DROP POLICY message_attachments_visible ON chatter.message_attachments;
ALTER TABLE chatter.message_attachments DISABLE ROW LEVEL SECURITY;
DROP POLICY followers_visible ON chatter.followers;
ALTER TABLE chatter.followers DISABLE ROW LEVEL SECURITY;
DROP POLICY messages_record_read ON chatter.messages;

COMMIT;
