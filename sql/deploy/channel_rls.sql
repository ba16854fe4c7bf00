-- Deploy pgchatter:channel_rls to pg
-- requires: channels, channel_members, messages_channel, my_channel_ids

BEGIN;

-- chatter_app sees Public channels and the channels it is a member of; nothing else.
ALTER TABLE chatter.channels ENABLE ROW LEVEL SECURITY;
CREATE POLICY channels_visible ON chatter.channels FOR SELECT TO chatter_app
    USING (kind = 'Public' OR id IN (SELECT chatter._my_channel_ids()));

-- Memberships: one's own, and the member lists of the channels one can see.
ALTER TABLE chatter.channel_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY channel_members_visible ON chatter.channel_members FOR SELECT TO chatter_app
    USING (user_id = (SELECT chatter.current_user_id())
           OR channel_id IN (SELECT c.id FROM chatter.channels AS c));

-- Messages: record feeds stay as they are (a permissive policy for everything); chat messages are
-- restricted to the channels one can see. The channel rules are RESTRICTIVE so that permissive policies
-- added later for record messages can never widen them.
ALTER TABLE chatter.messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY messages_app ON chatter.messages FOR ALL TO chatter_app USING (true) WITH CHECK (true);
CREATE POLICY messages_channel_read ON chatter.messages AS RESTRICTIVE FOR SELECT TO chatter_app
    USING (channel_id IS NULL OR channel_id IN (SELECT c.id FROM chatter.channels AS c));
CREATE POLICY messages_channel_write ON chatter.messages AS RESTRICTIVE FOR INSERT TO chatter_app
    WITH CHECK (channel_id IS NULL OR channel_id IN (SELECT chatter._my_channel_ids()));

COMMIT;
