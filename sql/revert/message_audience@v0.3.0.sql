-- Revert pgchatter:message_audience from pg

BEGIN;

DROP FUNCTION chatter.notification_payload(bigint);
DROP FUNCTION chatter.message_audience(bigint);
DROP FUNCTION chatter._record_contacts(text, bigint, boolean);

COMMIT;
