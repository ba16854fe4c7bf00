-- Verify pgchatter:api_tokens on pg

BEGIN;

SELECT id, user_id, token_hash, name, created_at, last_used_at, expires_at, revoked_at
  FROM chatter.api_tokens WHERE false;
SELECT 1 / relrowsecurity::int FROM pg_catalog.pg_class WHERE oid = 'chatter.api_tokens'::regclass;

ROLLBACK;
