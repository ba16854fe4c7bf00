-- Deploy pgchatter:add_attachment to pg
-- requires: add_attachment@v0.3.0
-- requires: vouchers

BEGIN;

-- SPEC 2a: a file on a record is a write on it. The wrapper vouches for the record in the caller's
-- context; the definer part redeems the voucher. A file on no record is the caller's own upload.
CREATE FUNCTION chatter._add_attachment(name text, content bytea, mimetype text, model text, document bigint)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    new_id bigint;
BEGIN
    IF name IS NULL OR btrim(name) = '' OR name ~ '[/\\]' THEN
        RAISE EXCEPTION 'invalid attachment name %', quote_literal(coalesce(name, 'NULL')) USING ERRCODE = 'CH005';
    END IF;
    IF content IS NULL THEN
        RAISE EXCEPTION 'an attachment needs content' USING ERRCODE = 'CH005';
    END IF;
    IF mimetype IS NOT NULL AND mimetype !~ '^[a-z]+/[[:alnum:].+_-]+$' THEN
        RAISE EXCEPTION 'invalid mimetype %', quote_literal(mimetype) USING ERRCODE = 'CH005';
    END IF;
    IF (model IS NULL) <> (document IS NULL) THEN
        RAISE EXCEPTION 'model and document go together' USING ERRCODE = 'CH005';
    END IF;
    IF model IS NOT NULL THEN
        PERFORM chatter._redeem(model, document);
    END IF;
    -- An application user must be a user (CH004 otherwise): its uploads are its own.
    PERFORM chatter.current_user_id();
    INSERT INTO chatter.attachments AS a (name, mimetype, content, model, document, created_by)
    VALUES (btrim(name), coalesce(mimetype, 'application/octet-stream'), content, model, document,
            chatter.current_contact_id())
    RETURNING a.id INTO new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION chatter._add_attachment(text, bytea, text, text, bigint) IS
    'Definer part of add_attachment: CH003 unless the caller vouched for the record in this transaction';

CREATE OR REPLACE FUNCTION chatter.add_attachment(name text, content bytea, mimetype text DEFAULT NULL,
                                                  model text DEFAULT NULL, document bigint DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql
SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    IF model IS NOT NULL AND document IS NOT NULL THEN
        PERFORM chatter._vouch(model, document);
    END IF;
    RETURN chatter._add_attachment(name, content, mimetype, model, document);
END
$$;

REVOKE EXECUTE ON FUNCTION chatter._add_attachment(text, bytea, text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._add_attachment(text, bytea, text, text, bigint) TO chatter_app;

COMMIT;
