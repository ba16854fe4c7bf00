-- Revert pgchatter:notifications from pg

BEGIN;

DROP TABLE chatter.push_subscriptions;
DROP TABLE chatter.notifications;
DROP TABLE chatter.message_recipients;

COMMIT;
