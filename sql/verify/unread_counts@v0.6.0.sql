-- Verify pgchatter:unread_counts on pg

BEGIN;

SELECT 1 / (chatter._count_cap() = 100)::integer;
SELECT 1 / (p.prosrc LIKE '%LIMIT cap%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid IN ('chatter.unread_counts(bigint)'::regprocedure,
                                               'chatter.unread_count(bigint, bigint)'::regprocedure);

ROLLBACK;
