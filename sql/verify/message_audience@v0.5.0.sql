-- Verify pgchatter:message_audience on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%left(m.body, 2000)%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.notification_payload(bigint)'::regprocedure;

SELECT 1 / (p.prosrc LIKE '%chatter._record_followers(%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.message_audience(bigint)'::regprocedure;

ROLLBACK;
