-- Deploy pgchatter:follower_subtypes to pg
-- requires: followers_api
-- requires: vouchers

BEGIN;

-- Odoo's "Edit subscription": each follower of a record chooses the subtypes it is notified of. Three
-- functions, all SECURITY INVOKER (the caller's grants and row-level security decide what they see):
-- follower_subtypes reads every follower's choice back, model_subtypes lists what may be chosen on a
-- model, edit_subscription changes one's own choice.

CREATE FUNCTION chatter.follower_subtypes(model text, document bigint)
RETURNS TABLE (contact_id bigint, channel_id bigint, name text, subtypes text[])
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
#variable_conflict use_column
BEGIN
    PERFORM chatter.check_record_readable(model, document);
    RETURN QUERY
    SELECT f.contact_id, f.channel_id, coalesce(c.name, ch.name),
           coalesce((SELECT array_agg(s.identifier ORDER BY s.id) FROM chatter.subtypes AS s
                      WHERE s.id = ANY (f.subtype_ids)), '{}')
      FROM chatter.followers AS f
      LEFT JOIN chatter.contacts AS c ON c.id = f.contact_id
      LEFT JOIN chatter.channels AS ch ON ch.id = f.channel_id
     WHERE f.model = follower_subtypes.model AND f.document = follower_subtypes.document
     ORDER BY coalesce(c.name, ch.name), f.id;
END
$$;
COMMENT ON FUNCTION chatter.follower_subtypes(text, bigint) IS
    'Each follower of a readable record (a contact or a channel) with the subtypes it follows (CH003 unless readable)';

CREATE FUNCTION chatter.model_subtypes(model text)
RETURNS TABLE (identifier text, name text, description text, internal boolean, is_default boolean)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT s.identifier, s.name, s.description, s.internal, s.is_default
      FROM chatter.subtypes AS s
     WHERE (s.model IS NULL OR s.model = model_subtypes.model)
       -- An external (portal) user never receives internal content, so is not offered it (SPEC 2a).
       AND (NOT s.internal OR chatter._acting_internal())
     ORDER BY s.model NULLS FIRST, s.id
$$;
COMMENT ON FUNCTION chatter.model_subtypes(text) IS
    'The subtypes a follower of a record of this model may choose: the general ones and the model''s own '
    '(internal ones for internal users only)';

-- SPEC 2a: one's subscription is one's own. Editing another contact's is CH004, as acting for another
-- user is (subscribe keeps others' choices silently; this is the explicit edit). Not yet a follower: the
-- edit subscribes with the chosen subtypes, as Odoo's follow-then-edit would. The record must be readable
-- (CH003, checked first so nothing about another contact is answered for a hidden record).
CREATE FUNCTION chatter.edit_subscription(model text, document bigint, subtypes text[], contact bigint DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    mine bigint := chatter.current_contact_id();
    who bigint := coalesce(contact, mine);
BEGIN
    PERFORM chatter.check_record_readable(model, document);
    IF who IS DISTINCT FROM mine AND NOT chatter._caller_is_system() THEN
        RAISE EXCEPTION 'the subscription of contact % is theirs to edit', coalesce(who::text, 'NULL')
            USING ERRCODE = 'CH004';
    END IF;
    IF who IS NULL THEN
        RAISE EXCEPTION 'edit_subscription needs a contact when no user acts' USING ERRCODE = 'CH005';
    END IF;
    IF subtypes IS NULL THEN
        RAISE EXCEPTION 'edit_subscription needs the list of subtypes (empty: none)' USING ERRCODE = 'CH005';
    END IF;
    IF cardinality(subtypes) > 100 THEN
        RAISE EXCEPTION 'subtypes: % given, at most 100', cardinality(subtypes) USING ERRCODE = 'CH005';
    END IF;
    PERFORM chatter.subscribe(model, document, ARRAY[who], subtypes);
END
$$;
COMMENT ON FUNCTION chatter.edit_subscription(text, bigint, text[], bigint) IS
    'Choose the subtypes one follows on a readable record (follows it if needed); another contact''s is CH004';

REVOKE EXECUTE ON FUNCTION chatter.follower_subtypes(text, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.model_subtypes(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.edit_subscription(text, bigint, text[], bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.follower_subtypes(text, bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.model_subtypes(text) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.edit_subscription(text, bigint, text[], bigint) TO chatter_app;
ALTER FUNCTION chatter.follower_subtypes(text, bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter.model_subtypes(text) OWNER TO chatter_owner;
ALTER FUNCTION chatter.edit_subscription(text, bigint, text[], bigint) OWNER TO chatter_owner;

COMMIT;
