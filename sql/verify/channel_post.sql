-- Verify pgchatter:channel_post on pg

BEGIN;

-- The notification hook is called only for a post that may have an audience.
SELECT 1 / (p.prosrc LIKE '%IF ch.kind = ''Direct'' OR strpos(%PERFORM chatter._channel_post_notify(new_id);%END IF;%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.channel_post(bigint, bigint, text)'::regprocedure;

-- Who acts is checked flat: no call of _acting_as.
SELECT 1 / (p.prosrc LIKE '%u.active%' AND p.prosrc NOT LIKE '%chatter._acting_as(%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.channel_post(bigint, bigint, text)'::regprocedure;

ROLLBACK;
