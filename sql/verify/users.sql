-- Verify pgchatter:users on pg

BEGIN;

SELECT id, contact_id, username, notification, active, created_at FROM chatter.users WHERE false;

ROLLBACK;
