-- Verify pgchatter:followers on pg

BEGIN;

SELECT id, model, document, contact_id, channel_id, subtype_ids, created_at FROM chatter.followers WHERE false;

ROLLBACK;
