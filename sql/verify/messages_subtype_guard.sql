-- Verify pgchatter:messages_subtype_guard on pg

BEGIN;

SELECT 1 / (count(*) = 0)::integer FROM pg_catalog.pg_constraint AS c
 WHERE c.conrelid = 'chatter.messages'::regclass AND c.conname = 'messages_subtype_id_fkey';
SELECT 1 / (count(*) = 4)::integer FROM pg_catalog.pg_trigger AS t
 WHERE (t.tgrelid, t.tgname) IN (('chatter.messages'::regclass, 'messages_subtype'),
                                 ('chatter.subtypes'::regclass, 'subtypes_delete_messages'),
                                 ('chatter.subtypes'::regclass, 'subtypes_update_messages'),
                                 ('chatter.subtypes'::regclass, 'subtypes_truncate_messages'))
   AND t.tgenabled <> 'D';
SELECT 1 / (p.prosrc LIKE '%FOR KEY SHARE%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid IN ('chatter._message_limits()'::regprocedure, 'chatter._track_install(regclass)'::regprocedure);
-- The check of _message_subtype is the template's.
SELECT 1 / (strpos(p.prosrc, chatter._lock_subtype_sql('NEW.subtype_id')) > 0)::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._message_subtype()'::regprocedure;

ROLLBACK;
