-- Deploy pgchatter:audience_grants to pg
-- requires: message_audience, mentions, record_rls

BEGIN;

-- The bridge shows "who will be notified" (GET /api/messages/{id}/audience) as the acting user. The
-- function stays SECURITY INVOKER: under row-level security it sees the followers of readable records,
-- and the record's contact columns only when the role may read the application's table.
GRANT EXECUTE ON FUNCTION chatter.message_audience(bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._mentioned_contacts(text) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._record_contacts(text, bigint, boolean) TO chatter_app;

COMMIT;
