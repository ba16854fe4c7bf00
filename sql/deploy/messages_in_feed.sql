-- Deploy pgchatter:messages_in_feed to pg
-- requires: messages

BEGIN;

ALTER TABLE chatter.messages ADD COLUMN in_feed boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN chatter.messages.in_feed IS
    'false for chatter.notify() messages: they notify about a record without joining its feed (Odoo message_notify)';

COMMIT;
