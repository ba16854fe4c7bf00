-- Deploy pgchatter:subtypes_protect to pg
-- requires: subtypes
-- requires: error_codes
-- requires: messages_subtype_guard

BEGIN;

-- Issue 23: the built-in subtype 'tracking' is the subtype of every Tracking message, and the generated
-- tracking functions now write its id as a constant, looked up when they are generated (track_generate),
-- instead of looking it up and locking it FOR KEY SHARE in every statement (the lock stood in for the
-- foreign key dropped by messages_subtype_guard: a concurrent DELETE of the subtype had to wait and then
-- set the new messages' subtype_id to NULL). That holds only if the row can neither go nor change its id:
-- a DELETE of it, an UPDATE of its id or identifier, and a TRUNCATE of chatter.subtypes are refused
-- (CH002, 'protected', as the shipped activity types are). Its name, description and flags may change.
-- The other shipped subtypes (comment, note, activities) stay deletable: their writers look them up per
-- message and messages_limits locks them, so deleting one still sets its messages' subtype_id to NULL.
-- Only chatter_owner and superusers write chatter.subtypes (chatter_app may only read it: 42501 first).
--
-- A database where the row was deleted before gets it back (its old messages keep subtype_id NULL).
INSERT INTO chatter.subtypes (identifier, name, description, internal, is_default)
VALUES ('tracking', 'Tracking', 'Automatic change tracking: notifies no one', true, false)
ON CONFLICT (identifier) DO NOTHING;

CREATE FUNCTION chatter._subtypes_protect() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'chatter.subtypes cannot be truncated: it holds the built-in subtype tracking'
            USING ERRCODE = 'CH002',
                  HINT = 'The tracking functions write the id of subtype tracking; delete the other subtypes instead.';
    ELSIF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'subtype tracking is built in: it cannot be deleted'
            USING ERRCODE = 'CH002',
                  HINT = 'The tracking functions write its id; its name, description and flags may change.';
    ELSIF NEW.id IS DISTINCT FROM OLD.id OR NEW.identifier IS DISTINCT FROM OLD.identifier THEN
        RAISE EXCEPTION 'subtype tracking is built in: its id and identifier cannot change'
            USING ERRCODE = 'CH002',
                  HINT = 'The tracking functions write its id; its name, description and flags may change.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._subtypes_protect() IS
    'Trigger on chatter.subtypes: CH002 when the built-in subtype tracking is deleted or re-keyed (id, identifier), or the table truncated';
REVOKE EXECUTE ON FUNCTION chatter._subtypes_protect() FROM PUBLIC;
ALTER FUNCTION chatter._subtypes_protect() OWNER TO chatter_owner;

-- BEFORE: refused before the row is touched (and before subtypes_delete_messages would clear its
-- messages). ENABLE ALWAYS: session_replication_role = replica does not get past it either.
CREATE TRIGGER subtypes_protect BEFORE DELETE OR UPDATE OF id, identifier ON chatter.subtypes
    FOR EACH ROW WHEN (OLD.identifier = 'tracking') EXECUTE FUNCTION chatter._subtypes_protect();
CREATE TRIGGER subtypes_protect_truncate BEFORE TRUNCATE ON chatter.subtypes
    FOR EACH STATEMENT EXECUTE FUNCTION chatter._subtypes_protect();
ALTER TABLE chatter.subtypes ENABLE ALWAYS TRIGGER subtypes_protect;
ALTER TABLE chatter.subtypes ENABLE ALWAYS TRIGGER subtypes_protect_truncate;

COMMIT;
