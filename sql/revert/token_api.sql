-- Revert pgchatter:token_api from pg

BEGIN;

DROP FUNCTION chatter.token_revoke(bigint);
DROP FUNCTION chatter.token_user(text);
DROP FUNCTION chatter.token_create(text, text, timestamptz);

COMMIT;
