-- Verify pgchatter:messages on pg

BEGIN;

SELECT id, message_type, subtype_id, model, document, subject, body, author_id, from_email, reply_to,
       parent_id, tracking, created_at
  FROM chatter.messages WHERE false;

ROLLBACK;
