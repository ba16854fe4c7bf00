-- Verify pgchatter:messages_channel on pg

BEGIN;

SELECT channel_id FROM chatter.messages WHERE false;
SELECT 'chatter.messages_channel_id_idx'::regclass;

ROLLBACK;
