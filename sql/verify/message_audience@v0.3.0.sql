-- Verify pgchatter:message_audience on pg

BEGIN;

SELECT 'chatter.message_audience(bigint)'::regprocedure, 'chatter.notification_payload(bigint)'::regprocedure,
       'chatter._record_contacts(text, bigint, boolean)'::regprocedure;

ROLLBACK;
