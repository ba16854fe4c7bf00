-- Deploy pgchatter:channel_members to pg
-- requires: channels, users

BEGIN;

CREATE TABLE chatter.channel_members (
    channel_id        bigint NOT NULL REFERENCES chatter.channels (id) ON DELETE CASCADE,
    user_id           bigint NOT NULL REFERENCES chatter.users (id) ON DELETE CASCADE,
    last_read_message bigint,
    is_muted          boolean NOT NULL DEFAULT false,
    joined_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, user_id)
);
COMMENT ON TABLE chatter.channel_members IS
    'Who is in which channel, with their read marker (seed ChannelMember); unread counts derive from it';
COMMENT ON COLUMN chatter.channel_members.last_read_message IS
    'Id of the newest message this member has read; NULL = none. Only moves forward. Not a foreign key: '
    'deleting a message must not make the whole channel unread again, and comparing ids is all we need';
COMMENT ON COLUMN chatter.channel_members.is_muted IS 'Muted: no notification for ordinary posts; unread still counts';

-- unread_counts(user) starts from a user's memberships.
CREATE INDEX channel_members_user_id_idx ON chatter.channel_members (user_id) INCLUDE (last_read_message, is_muted);

GRANT SELECT ON chatter.channel_members TO chatter_app;

COMMIT;
