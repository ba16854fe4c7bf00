-- Revert pgchatter:audience_grants from pg

BEGIN;

REVOKE EXECUTE ON FUNCTION chatter._record_contacts(text, bigint, boolean) FROM chatter_app;
REVOKE EXECUTE ON FUNCTION chatter._mentioned_contacts(text) FROM chatter_app;
REVOKE EXECUTE ON FUNCTION chatter.message_audience(bigint) FROM chatter_app;

COMMIT;
