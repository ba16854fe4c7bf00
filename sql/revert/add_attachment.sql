-- Revert pgchatter:add_attachment from pg
-- Restores the v0.3.0 definitions.

BEGIN;

CREATE OR REPLACE FUNCTION chatter.add_attachment(name text, content bytea, mimetype text DEFAULT NULL, model text DEFAULT NULL,
                                       document bigint DEFAULT NULL) RETURNS bigint
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
    PERFORM chatter._check_optional_record(model, document);
    INSERT INTO chatter.attachments AS a (name, mimetype, content, model, document, created_by)
    VALUES (btrim(name), coalesce(mimetype, 'application/octet-stream'), content, model, document,
            chatter.current_contact_id())
    RETURNING a.id INTO new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION chatter.add_attachment(text, bytea, text, text, bigint) IS
    'Store a file, optionally on a record; link it to messages with create_message(attachments => ...)';

REVOKE EXECUTE ON FUNCTION chatter.add_attachment(text, bytea, text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.add_attachment(text, bytea, text, text, bigint) TO chatter_app;

DROP FUNCTION chatter._add_attachment(text, bytea, text, text, bigint);

COMMIT;
