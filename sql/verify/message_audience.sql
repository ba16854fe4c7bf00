-- Verify pgchatter:message_audience on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%''channel_id''%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.notification_payload(bigint)'::regprocedure;

SELECT 1 / (p.prosrc LIKE '%''direct''%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.message_audience(bigint)'::regprocedure;

SELECT 1 / (p.prosrc LIKE '%chatter._preview(m.body)%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.notification_payload(bigint)'::regprocedure;

SELECT 1 / (p.prosrc LIKE '%''Email''%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.message_audience(bigint)'::regprocedure;

SELECT 1 / (p.prosrc LIKE '%CROSS JOIN LATERAL (SELECT c.email FROM chatter.contacts AS c WHERE c.id = r.contact_id OFFSET 0)%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.message_audience(bigint)'::regprocedure;

SELECT 1 / (p.prosrc LIKE '%IF nobody THEN%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.message_audience(bigint)'::regprocedure;

ROLLBACK;
