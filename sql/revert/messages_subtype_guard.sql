-- Revert pgchatter:messages_subtype_guard from pg
-- chatter._message_subtype as in v0.8.0 (its own copy of the check); the template goes.

BEGIN;

CREATE OR REPLACE FUNCTION chatter._message_subtype() RETURNS trigger
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
DROP FUNCTION chatter._lock_subtype_sql(text);

COMMIT;
