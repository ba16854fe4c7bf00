-- Verify pgchatter:message_type on pg

BEGIN;

SELECT 'Message'::chatter.message_type, 'Note'::chatter.message_type, 'Tracking'::chatter.message_type;

ROLLBACK;
