-- Verify pgchatter:channel_members on pg

BEGIN;

SELECT channel_id, user_id, last_read_message, is_muted, joined_at FROM chatter.channel_members WHERE false;

ROLLBACK;
