-- Revert pgchatter:read_paths_no_jit from pg

BEGIN;

ALTER FUNCTION chatter.unread_counts(bigint) RESET jit;
ALTER FUNCTION chatter.unread_count(bigint, bigint) RESET jit;
ALTER FUNCTION chatter.channel_history(bigint, integer, bigint) RESET jit;
ALTER FUNCTION chatter.record_feed(text, bigint, integer, bigint) RESET jit;
ALTER FUNCTION chatter.inbox_count(bigint) RESET jit;
ALTER FUNCTION chatter.activity_counts(bigint) RESET jit;

COMMIT;
