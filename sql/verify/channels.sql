-- Verify pgchatter:channels on pg

BEGIN;

SELECT id, name, kind, description, created_by, is_archived, last_message_at, created_at, dm_user_low, dm_user_high
  FROM chatter.channels WHERE false;

ROLLBACK;
