-- Revert pgchatter:record_feed from pg

BEGIN;

DROP FUNCTION chatter.record_feed(text, bigint, integer, bigint);

COMMIT;
