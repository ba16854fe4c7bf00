-- Revert pgchatter:delivery_claim from pg

BEGIN;

DROP FUNCTION chatter.delivery_claim(text, integer, interval, integer, text[], text);

COMMIT;
