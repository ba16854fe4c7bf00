-- Verify pgchatter:followers_api on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%chatter._record_followers(%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.record_followers(text, bigint)'::regprocedure;

SELECT 1 / count(*) FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_language AS l ON l.oid = p.prolang
 WHERE p.oid = 'chatter._record_followers(text, bigint)'::regprocedure AND l.lanname = 'plpgsql';

ROLLBACK;
