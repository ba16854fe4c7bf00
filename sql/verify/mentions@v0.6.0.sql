-- Verify pgchatter:mentions on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%chatter.html_text(body)%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._mentioned_contacts(text)'::regprocedure;

ROLLBACK;
