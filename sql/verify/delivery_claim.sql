-- Verify pgchatter:delivery_claim on pg

BEGIN;

SELECT 'chatter.delivery_claim(text, integer, interval, integer, text[], text)'::regprocedure;

ROLLBACK;
