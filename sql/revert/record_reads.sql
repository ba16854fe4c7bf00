-- Revert pgchatter:record_reads from pg

BEGIN;

REVOKE EXECUTE ON FUNCTION chatter._display_column(regclass) FROM chatter_app;

DROP FUNCTION chatter.record_activities(text, bigint, integer);
DROP FUNCTION chatter.record_attachments(text, bigint, integer);
DROP FUNCTION chatter._check_limit(integer);

COMMIT;
