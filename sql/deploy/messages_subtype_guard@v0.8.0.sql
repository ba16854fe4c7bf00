-- Deploy pgchatter:messages_subtype_guard to pg
-- requires: limits
-- requires: track_generate

BEGIN;

-- Issue 23: the foreign key messages.subtype_id -> subtypes (ON DELETE SET NULL) fired an RI check per
-- INSERT statement into chatter.messages, a single-row tracked UPDATE's included (about 35,000
-- instructions, ~5%). What it protected is kept where the data is made and where it is removed:
-- - every writer picks the subtype from chatter.subtypes by identifier (none takes an id from input):
--   the tracking functions with FOR KEY SHARE in the same subquery (track_generate), every other message
--   through messages_limits, which checks and locks the subtype (FOR KEY SHARE; 23503 naming
--   messages_subtype_id_fkey when missing, as the foreign key did);
-- - a changed subtype_id is checked the same way (messages_subtype, BEFORE UPDATE OF subtype_id);
-- - deleting a subtype sets its messages' subtype_id to NULL (ON DELETE SET NULL), after waiting, as the
--   foreign key's action did, for the writers holding its row lock; changing a referenced id is refused
--   (the foreign key's NO ACTION), and so is a TRUNCATE of chatter.subtypes that leaves messages
--   referencing it.
ALTER TABLE chatter.messages DROP CONSTRAINT messages_subtype_id_fkey;

CREATE FUNCTION chatter._message_subtype() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF NEW.subtype_id IS NOT NULL AND NEW.subtype_id IS DISTINCT FROM OLD.subtype_id THEN
        PERFORM FROM chatter.subtypes AS s WHERE s.id = NEW.subtype_id FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'insert or update on table "messages" violates foreign key constraint "messages_subtype_id_fkey"'
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'messages_subtype_id_fkey', TABLE = 'messages',
                      SCHEMA = 'chatter',
                      DETAIL = format('Key (subtype_id)=(%s) is not present in table "subtypes".', NEW.subtype_id);
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._message_subtype() IS
    'Trigger: a changed subtype_id names an existing subtype, locked FOR KEY SHARE (23503 otherwise; the foreign key''s check)';
REVOKE EXECUTE ON FUNCTION chatter._message_subtype() FROM PUBLIC;
ALTER FUNCTION chatter._message_subtype() OWNER TO chatter_owner;
-- No WHEN clause: an INSERT statement prepares none for an UPDATE trigger.
CREATE TRIGGER messages_subtype BEFORE UPDATE OF subtype_id ON chatter.messages
    FOR EACH ROW EXECUTE FUNCTION chatter._message_subtype();
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER messages_subtype;   -- as every chatter trigger there

-- The foreign key's actions, run as the owner of chatter.messages whoever changes chatter.subtypes (as
-- the referential actions were).
CREATE FUNCTION chatter._subtype_references() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        -- ON DELETE SET NULL. The row is deleted, so writers that locked it have ended, and this
        -- statement's snapshot sees their messages.
        UPDATE chatter.messages AS m SET subtype_id = NULL WHERE m.subtype_id = OLD.id;
        RETURN OLD;
    ELSIF TG_OP = 'UPDATE' THEN
        -- NO ACTION: a referenced id does not change.
        IF EXISTS (SELECT FROM chatter.messages AS m WHERE m.subtype_id = OLD.id) THEN
            RAISE EXCEPTION 'update or delete on table "subtypes" violates foreign key constraint "messages_subtype_id_fkey" on table "messages"'
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'messages_subtype_id_fkey', TABLE = 'subtypes',
                      SCHEMA = 'chatter',
                      DETAIL = format('Key (id)=(%s) is still referenced from table "messages".', OLD.id);
        END IF;
        RETURN NEW;
    ELSE
        -- TRUNCATE (after every table of the statement is emptied): refused if messages still refer.
        IF EXISTS (SELECT FROM chatter.messages AS m WHERE m.subtype_id IS NOT NULL) THEN
            RAISE EXCEPTION 'cannot truncate a table referenced in a foreign key constraint'
                USING ERRCODE = 'feature_not_supported',
                      DETAIL = 'Table "messages" references "subtypes".',
                      HINT = 'Truncate table "messages" at the same time, or use TRUNCATE ... CASCADE.';
        END IF;
        RETURN NULL;
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._subtype_references() IS
    'Trigger on chatter.subtypes: what the foreign key messages.subtype_id did: ON DELETE SET NULL, a referenced id unchanged (23503), no TRUNCATE under referencing messages (0A000)';
REVOKE EXECUTE ON FUNCTION chatter._subtype_references() FROM PUBLIC;
ALTER FUNCTION chatter._subtype_references() OWNER TO chatter_owner;
CREATE TRIGGER subtypes_delete_messages AFTER DELETE ON chatter.subtypes
    FOR EACH ROW EXECUTE FUNCTION chatter._subtype_references();
CREATE TRIGGER subtypes_update_messages AFTER UPDATE OF id ON chatter.subtypes
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION chatter._subtype_references();
CREATE TRIGGER subtypes_truncate_messages AFTER TRUNCATE ON chatter.subtypes
    FOR EACH STATEMENT EXECUTE FUNCTION chatter._subtype_references();

COMMIT;
