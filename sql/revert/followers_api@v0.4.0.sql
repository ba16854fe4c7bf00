-- Revert pgchatter:followers_api from pg
-- Restores the v0.3.0 definitions.

BEGIN;

-- Subtype ids for identifiers (CH005 for an unknown one); NULL means the model's default subtypes.
CREATE OR REPLACE FUNCTION chatter._subtype_ids(model text, subtypes text[]) RETURNS bigint[]
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    ids bigint[];
    unknown text;
BEGIN
    IF subtypes IS NULL THEN
        SELECT coalesce(array_agg(s.id ORDER BY s.id), '{}') INTO ids FROM chatter.subtypes AS s
         WHERE s.is_default AND (s.model IS NULL OR s.model = _subtype_ids.model);
        RETURN ids;
    END IF;
    SELECT x INTO unknown FROM unnest(subtypes) AS x
     WHERE NOT EXISTS (SELECT FROM chatter.subtypes AS s WHERE s.identifier = x
                          AND (s.model IS NULL OR s.model = _subtype_ids.model))
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown subtype %', quote_literal(coalesce(unknown, 'NULL')) USING ERRCODE = 'CH005';
    END IF;
    SELECT coalesce(array_agg(s.id ORDER BY s.id), '{}') INTO ids FROM chatter.subtypes AS s
     WHERE s.identifier = ANY (subtypes);
    RETURN ids;
END
$$;
COMMENT ON FUNCTION chatter._subtype_ids(text, text[]) IS 'Subtype ids by identifier; NULL = default subtypes of the model';

CREATE OR REPLACE FUNCTION chatter._check_contacts(contacts bigint[]) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    missing bigint;
BEGIN
    SELECT x INTO missing FROM unnest(contacts) AS x
     WHERE x IS NULL OR NOT EXISTS (SELECT FROM chatter.contacts AS c WHERE c.id = x) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown contact %', coalesce(missing::text, 'NULL') USING ERRCODE = 'CH005';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._check_contacts(bigint[]) IS 'CH005 unless every id is a contact';

-- A message or attachment is on a record (both halves, CH003 if missing) or on none (CH005 for half).
CREATE OR REPLACE FUNCTION chatter._check_optional_record(model text, document bigint) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    IF (model IS NULL) <> (document IS NULL) THEN
        RAISE EXCEPTION 'model and document go together' USING ERRCODE = 'CH005';
    END IF;
    IF model IS NOT NULL THEN
        PERFORM chatter._check_record(model, document);
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._check_optional_record(text, bigint) IS
    'CH005 for a model without a document (or the reverse), CH003 for a missing record';

CREATE OR REPLACE FUNCTION chatter.subscribe(model text, document bigint, contacts bigint[], subtypes text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    ids bigint[];
BEGIN
    PERFORM chatter._check_record(model, document);
    PERFORM chatter._check_contacts(contacts);
    ids := chatter._subtype_ids(model, subtypes);
    -- Subscribing again without subtypes keeps the follower's choice; with subtypes it replaces it.
    INSERT INTO chatter.followers AS f (model, document, contact_id, subtype_ids)
    SELECT subscribe.model, subscribe.document, c, ids FROM unnest(contacts) AS c
    ON CONFLICT (model, document, contact_id) WHERE contact_id IS NOT NULL
    DO UPDATE SET subtype_ids = CASE WHEN subtypes IS NULL THEN f.subtype_ids ELSE EXCLUDED.subtype_ids END;
END
$$;
COMMENT ON FUNCTION chatter.subscribe(text, bigint, bigint[], text[]) IS
    'Make contacts follow a record, for the given subtypes (default: the default subtypes)';

CREATE OR REPLACE FUNCTION chatter.subscribe_channel(model text, document bigint, channel bigint, subtypes text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    ids bigint[];
BEGIN
    PERFORM chatter._check_record(model, document);
    IF NOT EXISTS (SELECT FROM chatter.channels AS c WHERE c.id = channel) THEN
        RAISE EXCEPTION 'unknown channel %', coalesce(channel::text, 'NULL') USING ERRCODE = 'CH005';
    END IF;
    ids := chatter._subtype_ids(model, subtypes);
    INSERT INTO chatter.followers AS f (model, document, channel_id, subtype_ids)
    VALUES (model, document, channel, ids)
    ON CONFLICT (model, document, channel_id) WHERE channel_id IS NOT NULL
    DO UPDATE SET subtype_ids = CASE WHEN subtypes IS NULL THEN f.subtype_ids ELSE EXCLUDED.subtype_ids END;
END
$$;
COMMENT ON FUNCTION chatter.subscribe_channel(text, bigint, bigint, text[]) IS
    'Make a channel follow a record: its members are notified';

CREATE OR REPLACE FUNCTION chatter.unsubscribe(model text, document bigint, contacts bigint[]) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._model(model);
    DELETE FROM chatter.followers AS f
     WHERE f.model = unsubscribe.model AND f.document = unsubscribe.document AND f.contact_id = ANY (contacts);
END
$$;
COMMENT ON FUNCTION chatter.unsubscribe(text, bigint, bigint[]) IS 'Stop contacts following a record';

-- Followers as contacts: direct followers and the members of following channels.
CREATE OR REPLACE FUNCTION chatter.record_followers(model text, document bigint) RETURNS SETOF chatter.contacts
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT c.* FROM chatter.contacts AS c
     WHERE c.id IN (SELECT f.contact_id FROM chatter.followers AS f
                     WHERE f.model = record_followers.model AND f.document = record_followers.document
                    UNION
                    SELECT u.contact_id FROM chatter.followers AS f
                      JOIN chatter.channel_members AS cm ON cm.channel_id = f.channel_id
                      JOIN chatter.users AS u ON u.id = cm.user_id
                     WHERE f.model = record_followers.model AND f.document = record_followers.document)
     ORDER BY c.id
$$;
COMMENT ON FUNCTION chatter.record_followers(text, bigint) IS 'The contacts following a record (channel members included)';

REVOKE EXECUTE ON FUNCTION chatter._subtype_ids(text, text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._check_contacts(bigint[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._check_optional_record(text, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.subscribe(text, bigint, bigint[], text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.subscribe_channel(text, bigint, bigint, text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.unsubscribe(text, bigint, bigint[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.record_followers(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.subscribe(text, bigint, bigint[], text[]) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.subscribe_channel(text, bigint, bigint, text[]) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.unsubscribe(text, bigint, bigint[]) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.record_followers(text, bigint) TO chatter_app;

DROP FUNCTION chatter._unsubscribe(text, bigint, bigint[]);
DROP FUNCTION chatter._only_me(bigint[]);
DROP FUNCTION chatter._subscribe_channel(text, bigint, bigint, text[]);
DROP FUNCTION chatter._subscribe(text, bigint, bigint[], text[]);

COMMIT;
