-- Verify pgchatter:attachments on pg

BEGIN;

SELECT id, name, mimetype, size, content, model, document, created_by, created_at FROM chatter.attachments WHERE false;
SELECT message_id, attachment_id FROM chatter.message_attachments WHERE false;

ROLLBACK;
