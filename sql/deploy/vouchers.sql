-- Deploy pgchatter:vouchers to pg
-- requires: readable_models, current_user_id

BEGIN;

-- How a SECURITY DEFINER writer learns that its caller may read a record. The writer runs as its owner
-- and cannot see the application's row-level security; the caller can. So every public writer is a
-- SECURITY INVOKER wrapper that first calls chatter._vouch: it checks chatter.record_readable in the
-- caller's context and inserts a voucher row, which the row-level policy below checks again, in the
-- caller's context. The definer part (chatter._create_message, ...) then redeems the voucher of its own
-- transaction. Calling the definer part directly gains nothing: the only way to make a voucher is to pass
-- the policy, that is, to be able to read the record.
CREATE UNLOGGED TABLE chatter.record_vouchers (
    xact     xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    model    text NOT NULL,
    document bigint NOT NULL
);
COMMENT ON TABLE chatter.record_vouchers IS
    'Proof, made in the caller''s context and redeemed in the same transaction, that it may read a record';
CREATE INDEX record_vouchers_xact_idx ON chatter.record_vouchers (xact);

ALTER TABLE chatter.record_vouchers ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_vouchers_readable ON chatter.record_vouchers FOR INSERT TO chatter_app
    WITH CHECK (xact = pg_catalog.pg_current_xact_id() AND chatter.record_readable(model, document));
GRANT INSERT ON chatter.record_vouchers TO chatter_app;

-- SECURITY INVOKER: runs as the caller. CH003 unless it may read the record; the system needs no voucher.
CREATE FUNCTION chatter._vouch(model text, document bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
    IF chatter._caller_is_system() THEN
        RETURN;
    END IF;
    PERFORM chatter.current_user_id();   -- CH004 first for a connection without a valid acting user
    PERFORM chatter.check_record_readable(model, document);
    INSERT INTO chatter.record_vouchers (model, document) VALUES (model, document);
END
$$;
COMMENT ON FUNCTION chatter._vouch(text, bigint) IS
    'In the caller''s context: CH003 unless it may read the record, then a voucher for this transaction';

-- Called inside SECURITY DEFINER writers: the record's registration when the caller vouched for it in this
-- transaction (or is the system, for whom the record only has to exist); CH003 otherwise.
CREATE FUNCTION chatter._redeem(model text, document bigint) RETURNS chatter.models
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
    IF chatter._caller_is_system() THEN
        RETURN chatter._check_record(model, document);
    END IF;
    DELETE FROM chatter.record_vouchers AS v
     WHERE v.xact = pg_catalog.pg_current_xact_id() AND v.model = _redeem.model AND v.document = _redeem.document;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% #% not found', coalesce(model, 'NULL'), coalesce(document::text, 'NULL')
            USING ERRCODE = 'CH003';
    END IF;
    RETURN chatter._model(model);
END
$$;
COMMENT ON FUNCTION chatter._redeem(text, bigint) IS
    'Inside a definer writer: CH003 unless the caller vouched for the record in this transaction (or is the system)';

REVOKE EXECUTE ON FUNCTION chatter._vouch(text, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._redeem(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._vouch(text, bigint) TO chatter_app;

COMMIT;
