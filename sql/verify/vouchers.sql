-- Verify pgchatter:vouchers on pg

BEGIN;

SELECT xact, model, document FROM chatter.record_vouchers WHERE false;
SELECT 'chatter._vouch(text, bigint)'::regprocedure, 'chatter._redeem(text, bigint)'::regprocedure;
SELECT 1 / c.relrowsecurity::integer FROM pg_catalog.pg_class AS c WHERE c.oid = 'chatter.record_vouchers'::regclass;

ROLLBACK;
