-- Deploy pgchatter:followers_api to pg
-- requires: followers_api@v0.3.0
-- requires: vouchers, my_channel_ids

BEGIN;

-- SPEC 2a: following is writing on the record. subscribe, subscribe_channel and unsubscribe are SECURITY
-- INVOKER wrappers that vouch for the record in the caller's context (chatter._vouch) and call their
-- SECURITY DEFINER parts, which redeem the voucher. One exception, as in Odoo: a follower may always
-- remove themselves, even from a record they can no longer read (or they would be notified forever).

-- Others' choice of subtypes is theirs: subscribing another contact adds them with the given subtypes,
-- but never changes the subtypes of someone who already follows.
CREATE FUNCTION chatter._subscribe(model text, document bigint, contacts bigint[], subtypes text[]) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    ids bigint[];
    mine bigint := chatter.current_contact_id();
    system boolean := chatter._caller_is_system();
BEGIN
    PERFORM chatter._redeem(model, document);
    PERFORM chatter._check_contacts(contacts);
    ids := chatter._subtype_ids(model, subtypes);
    -- Subscribing again without subtypes keeps the follower's choice; with subtypes it replaces it.
    INSERT INTO chatter.followers AS f (model, document, contact_id, subtype_ids)
    SELECT _subscribe.model, _subscribe.document, c, ids FROM unnest(contacts) AS c
    ON CONFLICT (model, document, contact_id) WHERE contact_id IS NOT NULL
    DO UPDATE SET subtype_ids = CASE WHEN subtypes IS NULL OR NOT (system OR f.contact_id = mine) THEN f.subtype_ids
                                     ELSE EXCLUDED.subtype_ids END;
END
$$;
COMMENT ON FUNCTION chatter._subscribe(text, bigint, bigint[], text[]) IS
    'Definer part of subscribe: CH003 unless the caller vouched for the record in this transaction';

CREATE OR REPLACE FUNCTION chatter.subscribe(model text, document bigint, contacts bigint[], subtypes text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._vouch(model, document);
    PERFORM chatter._subscribe(model, document, contacts, subtypes);
END
$$;
COMMENT ON FUNCTION chatter.subscribe(text, bigint, bigint[], text[]) IS
    'Make contacts follow a record (CH003 unless readable); others'' existing subtypes are kept';

-- A channel follows a record on behalf of a member of it: one cannot subscribe a channel one is not in.
CREATE FUNCTION chatter._subscribe_channel(model text, document bigint, channel bigint, subtypes text[]) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    ids bigint[];
    target chatter.channels;
BEGIN
    PERFORM chatter._redeem(model, document);
    SELECT c.* INTO target FROM chatter.channels AS c WHERE c.id = channel;
    IF FOUND AND NOT chatter._caller_is_system() AND channel NOT IN (SELECT chatter._my_channel_ids()) THEN
        IF target.kind <> 'Public' THEN
            target := NULL;   -- a private channel one is not in does not exist for the caller
        ELSE
            RAISE EXCEPTION 'not a member of channel %', channel USING ERRCODE = 'CH004';
        END IF;
    END IF;
    IF target.id IS NULL THEN
        RAISE EXCEPTION 'unknown channel %', coalesce(channel::text, 'NULL') USING ERRCODE = 'CH005';
    END IF;
    ids := chatter._subtype_ids(model, subtypes);
    INSERT INTO chatter.followers AS f (model, document, channel_id, subtype_ids)
    VALUES (model, document, channel, ids)
    ON CONFLICT (model, document, channel_id) WHERE channel_id IS NOT NULL
    DO UPDATE SET subtype_ids = CASE WHEN subtypes IS NULL THEN f.subtype_ids ELSE EXCLUDED.subtype_ids END;
END
$$;
COMMENT ON FUNCTION chatter._subscribe_channel(text, bigint, bigint, text[]) IS
    'Definer part of subscribe_channel: a voucher for the record and membership of the channel';

CREATE OR REPLACE FUNCTION chatter.subscribe_channel(model text, document bigint, channel bigint,
                                                     subtypes text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._vouch(model, document);
    PERFORM chatter._subscribe_channel(model, document, channel, subtypes);
END
$$;
COMMENT ON FUNCTION chatter.subscribe_channel(text, bigint, bigint, text[]) IS
    'Make a channel one is a member of follow a record (CH003 unless readable): its members are notified';

-- Is this list only the caller's own contact? Then no voucher is needed (leaving is always allowed).
CREATE FUNCTION chatter._only_me(contacts bigint[]) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT cardinality(contacts) > 0 AND chatter.current_contact_id() = ALL (contacts)
$$;
COMMENT ON FUNCTION chatter._only_me(bigint[]) IS 'True when every contact given is the acting user''s own';

CREATE FUNCTION chatter._unsubscribe(model text, document bigint, contacts bigint[]) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    IF chatter._only_me(contacts) THEN
        PERFORM chatter._model(model);
    ELSE
        PERFORM chatter._redeem(model, document);
    END IF;
    DELETE FROM chatter.followers AS f
     WHERE f.model = _unsubscribe.model AND f.document = _unsubscribe.document AND f.contact_id = ANY (contacts);
END
$$;
COMMENT ON FUNCTION chatter._unsubscribe(text, bigint, bigint[]) IS
    'Definer part of unsubscribe: oneself always; others only with a voucher for the record';

CREATE OR REPLACE FUNCTION chatter.unsubscribe(model text, document bigint, contacts bigint[]) RETURNS void
LANGUAGE plpgsql
SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    IF NOT chatter._only_me(contacts) THEN
        PERFORM chatter._vouch(model, document);
    END IF;
    PERFORM chatter._unsubscribe(model, document, contacts);
END
$$;
COMMENT ON FUNCTION chatter.unsubscribe(text, bigint, bigint[]) IS
    'Stop contacts following a record: oneself always, others only on a readable record (CH003)';

-- Followers as contacts: direct followers and the members of following channels; CH003 unless readable.
CREATE OR REPLACE FUNCTION chatter.record_followers(model text, document bigint) RETURNS SETOF chatter.contacts
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter.check_record_readable(model, document);
    RETURN QUERY
    SELECT c.* FROM chatter.contacts AS c
     WHERE c.id IN (SELECT f.contact_id FROM chatter.followers AS f
                     WHERE f.model = record_followers.model AND f.document = record_followers.document
                    UNION
                    SELECT u.contact_id FROM chatter.followers AS f
                      JOIN chatter.channel_members AS cm ON cm.channel_id = f.channel_id
                      JOIN chatter.users AS u ON u.id = cm.user_id
                     WHERE f.model = record_followers.model AND f.document = record_followers.document)
     ORDER BY c.id;
END
$$;

REVOKE EXECUTE ON FUNCTION chatter._subscribe(text, bigint, bigint[], text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._subscribe_channel(text, bigint, bigint, text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._only_me(bigint[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._unsubscribe(text, bigint, bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._subscribe(text, bigint, bigint[], text[]) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._subscribe_channel(text, bigint, bigint, text[]) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._only_me(bigint[]) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._unsubscribe(text, bigint, bigint[]) TO chatter_app;

COMMIT;
