-- Revert pgchatter:add_attachment from pg

BEGIN;

DROP FUNCTION chatter.add_attachment(text, bytea, text, text, bigint);

COMMIT;
