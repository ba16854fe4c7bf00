-- Verify pgchatter:record_reads on pg

BEGIN;

SELECT 'chatter.record_attachments(text, bigint, integer)'::regprocedure,
       'chatter.record_activities(text, bigint, integer)'::regprocedure;

ROLLBACK;
