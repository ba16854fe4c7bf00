-- Revert pgchatter:channel_rls from pg

BEGIN;

DROP POLICY messages_channel_write ON chatter.messages;
DROP POLICY messages_channel_read ON chatter.messages;
DROP POLICY messages_app ON chatter.messages;
ALTER TABLE chatter.messages DISABLE ROW LEVEL SECURITY;
DROP POLICY channel_members_visible ON chatter.channel_members;
ALTER TABLE chatter.channel_members DISABLE ROW LEVEL SECURITY;
DROP POLICY channels_visible ON chatter.channels;
ALTER TABLE chatter.channels DISABLE ROW LEVEL SECURITY;

COMMIT;
