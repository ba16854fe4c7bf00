-- Verify pgchatter:create_message on pg

BEGIN;

SELECT 'chatter.create_message(text, text, bigint, chatter.message_type, text, bigint, bigint[], bigint[], boolean, boolean, text, bigint, text, text)'::regprocedure,
       'chatter.log_message(text, bigint, text, bigint)'::regprocedure,
       'chatter.notify(text, bigint, text, bigint[], text, bigint)'::regprocedure,
       'chatter._notify_audience(bigint, boolean, boolean)'::regprocedure,
       'chatter._check_attachable(bigint[])'::regprocedure;

ROLLBACK;
