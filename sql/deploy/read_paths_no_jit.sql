-- Deploy pgchatter:read_paths_no_jit to pg
-- requires: unread_counts, channel_history, record_feed, inbox, activity_counts

BEGIN;

-- The read paths an application calls on every page view answer in a millisecond, but their estimates
-- (a count per channel, a feed page) can cross jit_above_cost; JIT then compiles for 100-200 ms on every
-- call (measured: unread_counts for 200 channels went from 0.8 ms to 98 ms). They never gain from JIT.
ALTER FUNCTION chatter.unread_counts(bigint) SET jit = off;
ALTER FUNCTION chatter.unread_count(bigint, bigint) SET jit = off;
ALTER FUNCTION chatter.channel_history(bigint, integer, bigint) SET jit = off;
ALTER FUNCTION chatter.record_feed(text, bigint, integer, bigint) SET jit = off;
ALTER FUNCTION chatter.inbox_count(bigint) SET jit = off;
ALTER FUNCTION chatter.activity_counts(bigint) SET jit = off;

COMMIT;
