-- Deploy pgchatter:create_channel to pg
-- requires: channel_members, acting_as

BEGIN;

-- SECURITY DEFINER: chatter_app may not write channels or memberships directly.
CREATE FUNCTION chatter.create_channel(name text, kind chatter.channel_kind DEFAULT 'Public',
                                       created_by bigint DEFAULT NULL, members bigint[] DEFAULT '{}',
                                       description text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    creator bigint := coalesce(create_channel.created_by, chatter.current_user_id());
    unknown bigint;
    new_id bigint;
BEGIN
    IF create_channel.name IS NULL OR btrim(create_channel.name) = '' THEN
        RAISE EXCEPTION 'a channel needs a name' USING ERRCODE = 'CH005';
    END IF;
    IF create_channel.kind IS NULL OR create_channel.kind = 'Direct' THEN
        RAISE EXCEPTION 'kind must be Public or Private, not %', coalesce(create_channel.kind::text, 'NULL')
            USING ERRCODE = 'CH005', HINT = 'direct channels come from chatter.get_or_create_dm()';
    END IF;
    IF creator IS NOT NULL THEN
        PERFORM chatter._acting_as(creator);
    END IF;
    SELECT u INTO unknown
      FROM unnest(array_append(coalesce(create_channel.members, '{}'), creator)) AS u
     WHERE u IS NOT NULL AND NOT EXISTS (SELECT FROM chatter.users AS x WHERE x.id = u)
     LIMIT 1;
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'user % not found', unknown USING ERRCODE = 'CH003';
    END IF;

    INSERT INTO chatter.channels (name, kind, description, created_by)
    VALUES (btrim(create_channel.name), create_channel.kind, create_channel.description, creator)
    RETURNING id INTO new_id;

    -- The creator is a member, like everyone named.
    INSERT INTO chatter.channel_members (channel_id, user_id)
    SELECT DISTINCT new_id, u
      FROM unnest(array_append(coalesce(create_channel.members, '{}'), creator)) AS u
     WHERE u IS NOT NULL;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION chatter.create_channel(text, chatter.channel_kind, bigint, bigint[], text) IS
    'Create a Public or Private channel; the creator (default: the acting user) and members join it';

REVOKE EXECUTE ON FUNCTION chatter.create_channel(text, chatter.channel_kind, bigint, bigint[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.create_channel(text, chatter.channel_kind, bigint, bigint[], text) TO chatter_app;

COMMIT;
