-- Verify pgchatter:limits on pg

BEGIN;

SELECT name, value, description FROM chatter.limits WHERE false;
SELECT 1 / (chatter._html_depth('<div><p>a<div>b</div></div>') = 2)::integer;
SELECT 1 / count(*)::integer FROM pg_catalog.pg_trigger
 WHERE tgname IN ('messages_limits', 'message_recipients_limits', 'attachments_limits', 'messages_search_vector')
   AND tgenabled <> 'D' HAVING count(*) = 4;

SELECT 1 / (chatter._mention_count('&#64;bob &#64;carol') = 2)::integer;
SELECT 1 / (p.prosrc LIKE '%NEW.search_vector := chatter._search_vector(NEW.subject, NEW.body)%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._message_limits()'::regprocedure;

-- The shape rules are the trigger's, not a CHECK's.
SELECT 1 / (count(*) = 0)::integer FROM pg_catalog.pg_constraint AS c
 WHERE c.conrelid = 'chatter.messages'::regclass AND c.conname = 'messages_shape_check';
SELECT 1 / (p.prosrc LIKE '%messages_shape_check%' AND p.prosrc LIKE '%Email messages are written by the mail gateway%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._message_limits()'::regprocedure;
-- The subtype check is the template's (chatter._lock_subtype_sql).
SELECT 1 / (strpos(p.prosrc, chatter._lock_subtype_sql('NEW.subtype_id')) > 0)::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._message_limits()'::regprocedure;
-- The bridges' wake-up is this trigger's (no statement trigger on chatter.messages).
SELECT 1 / (strpos(p.prosrc, chatter._wake_bridges_sql()) > 0)::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._message_limits()'::regprocedure;
SELECT 1 / (count(*) = 0)::integer FROM pg_catalog.pg_trigger AS t
 WHERE t.tgrelid = 'chatter.messages'::regclass AND t.tgname = 'messages_wake_bridge';

ROLLBACK;
