-- Revert pgchatter:wake from pg

BEGIN;

REVOKE EXECUTE ON FUNCTION chatter._wake(text) FROM chatter_app;

COMMIT;
