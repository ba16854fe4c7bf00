-- Verify pgchatter:mentions on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%chatter.html_text(body)%' AND l.lanname = 'plpgsql')::integer
  FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_language AS l ON l.oid = p.prolang WHERE p.oid = 'chatter._mentioned_contacts(text)'::regprocedure;

ROLLBACK;
