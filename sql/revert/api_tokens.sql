-- Revert pgchatter:api_tokens from pg

BEGIN;

DROP TABLE chatter.api_tokens;

COMMIT;
