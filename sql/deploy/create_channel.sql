-- Deploy pgchatter:create_channel to pg
-- requires: create_channel@v0.5.0
-- requires: limits

BEGIN;

-- Channel names are unique per kind, case-insensitively, for Public and Private channels (Direct ones are
-- named by their pair). Existing duplicates are renamed first: every channel but the oldest of a name
-- gets its id appended ("general" and "General" become "general" and "General (17)"); nothing is merged
-- or dropped, members and history stay where they were.
UPDATE chatter.channels AS c
   SET name = left(c.name, 240) || ' (' || c.id || ')'
 WHERE c.kind <> 'Direct'
   AND EXISTS (SELECT FROM chatter.channels AS o
                WHERE o.kind = c.kind AND lower(o.name) = lower(c.name) AND o.id < c.id);
CREATE UNIQUE INDEX channels_kind_name_key ON chatter.channels (kind, lower(name)) WHERE kind <> 'Direct';
COMMENT ON INDEX chatter.channels_kind_name_key IS
    'One Public and one Private channel per name, case-insensitively (create_channel says so first)';

INSERT INTO chatter.limits (name, value, description) VALUES
    ('channel_name_chars', 255, 'characters in a channel name');

-- As in v0.5.0, with the name bounded and a taken name refused in words (23505, unique_violation: the
-- index decides under any concurrency, this check only names the problem).
CREATE OR REPLACE FUNCTION chatter.create_channel(name text, kind chatter.channel_kind DEFAULT 'Public',
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
    PERFORM chatter._within_limit('channel_name_chars', length(btrim(create_channel.name)), 'the channel name (characters)');
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
    IF EXISTS (SELECT FROM chatter.channels AS c
                WHERE c.kind = create_channel.kind AND lower(c.name) = lower(btrim(create_channel.name))) THEN
        RAISE EXCEPTION 'a % channel named "%" exists already', create_channel.kind, btrim(create_channel.name)
            USING ERRCODE = 'unique_violation', HINT = 'pick another name, or join the existing channel';
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
    'Create a Public or Private channel (names unique per kind, case-insensitively: 23505 otherwise); '
    'the creator (default: the acting user) and members join it';

COMMIT;
