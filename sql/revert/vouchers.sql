-- Revert pgchatter:vouchers from pg

BEGIN;

DROP FUNCTION chatter._redeem(text, bigint);
DROP FUNCTION chatter._vouch(text, bigint);
DROP TABLE chatter.record_vouchers;

COMMIT;
