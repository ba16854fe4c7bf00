-- Deploy pgchatter:limits to pg
-- requires: limits@v0.7.0
-- requires: search

BEGIN;

-- Issue 23: what chatter.messages compiled again for every INSERT statement, Tracking ones included, is
-- done by the trigger that already runs for every message but Tracking ones (messages_limits):
-- - the search vector, a generated column before (see search): a Tracking message, which the trigger
--   skips, keeps NULL, as the generated column's CASE gave it;
-- - the shape rules of messages_shape_check (model and document together, a channel or a record, tracking
--   an array), which cost a single-row tracked UPDATE about 60,000 instructions of ~745,000 (the
--   constraint's expression is read from its stored text and prepared for each statement; counted with
--   callgrind, 2026-12-07). Tracking messages get their shape where they are made, and only there: the
--   generated tracking functions (track_generate) write model, the record's key (a primary key, never
--   NULL), no channel, and tracking as a JSON array they build (or NULL for Record Created); chatter_app
--   may not INSERT into chatter.messages at all. A violation is still SQLSTATE 23514, naming the rule.
-- - the Email guard (messages_email_by_gateway and chatter._email_by_gateway, from mailgate: only the
--   system, the mail gateway, writes an Email message): its WHEN clause too was read and prepared for every
--   INSERT statement, about 20,000 instructions, for a rule about one message type;
-- The trigger fires on UPDATE OF every column those rules and the vector read.
ALTER TABLE chatter.messages DROP CONSTRAINT messages_shape_check;
DROP TRIGGER messages_email_by_gateway ON chatter.messages;
DROP FUNCTION chatter._email_by_gateway();
DROP TRIGGER messages_limits ON chatter.messages;
CREATE TRIGGER messages_limits
    BEFORE INSERT OR UPDATE OF body, subject, message_type, model, document, channel_id, tracking ON chatter.messages
    FOR EACH ROW WHEN (NEW.message_type <> 'Tracking') EXECUTE FUNCTION chatter._message_limits();
-- ALWAYS, as every chatter trigger on chatter.messages: the bulk tracking path switches to replica mode
-- only when no trigger would be skipped by it (chatter._track_bulk_begin).
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER messages_limits;

CREATE OR REPLACE FUNCTION chatter._message_limits() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    body_chars integer;
    subject_chars integer;
    depth integer;
    mentions integer;
    start_tags integer;
BEGIN
    -- The shape of a message (it was the CHECK messages_shape_check).
    IF (NEW.model IS NULL) <> (NEW.document IS NULL)              -- a record is a model and a document
       OR (NEW.channel_id IS NOT NULL AND NEW.model IS NOT NULL)  -- in a channel or on a record, not both
       OR pg_catalog.jsonb_typeof(NEW.tracking) <> 'array' THEN   -- tracking values: an array of entries
        RAISE EXCEPTION 'new row for relation "messages" violates the shape rules (messages_shape_check)'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'messages_shape_check', TABLE = 'messages',
                  SCHEMA = 'chatter',
                  DETAIL = 'model and document together; a channel or a record, not both; tracking an array';
    END IF;
    -- An Email message is what the gateway received (it was chatter._email_by_gateway): no application
    -- user writes one, nor turns a message into one.
    IF NEW.message_type = 'Email' AND (TG_OP = 'INSERT' OR OLD.message_type IS DISTINCT FROM 'Email')
       AND NOT chatter._caller_is_system() THEN
        RAISE EXCEPTION 'Email messages are written by the mail gateway' USING ERRCODE = 'CH004';
    END IF;
    -- The subtype exists and stays until this transaction ends: what the foreign key of subtype_id did
    -- (messages_subtype_guard dropped it; a concurrent DELETE of the subtype waits, then sets NULL). The
    -- writers pick it from chatter.subtypes; Tracking messages lock theirs where they are made.
    IF TG_OP = 'INSERT' AND NEW.subtype_id IS NOT NULL THEN
        PERFORM FROM chatter.subtypes AS s WHERE s.id = NEW.subtype_id FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'insert or update on table "messages" violates foreign key constraint "messages_subtype_id_fkey"'
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'messages_subtype_id_fkey', TABLE = 'messages',
                      SCHEMA = 'chatter',
                      DETAIL = format('Key (subtype_id)=(%s) is not present in table "subtypes".', NEW.subtype_id);
        END IF;
    END IF;
    SELECT max(l.value) FILTER (WHERE l.name = 'body_chars'), max(l.value) FILTER (WHERE l.name = 'subject_chars'),
           max(l.value) FILTER (WHERE l.name = 'nesting_depth'), max(l.value) FILTER (WHERE l.name = 'mentions')
      INTO body_chars, subject_chars, depth, mentions
      FROM chatter.limits AS l;
    PERFORM chatter._within_limit('body_chars', length(NEW.body), 'the message body (characters)')
      WHERE length(NEW.body) > body_chars;
    PERFORM chatter._within_limit('subject_chars', length(NEW.subject), 'the subject (characters)')
      WHERE length(NEW.subject) > subject_chars;
    -- Elements nest no deeper than there are start tags: every '<' but those of end tags ('</').
    start_tags := length(NEW.body) - length(replace(NEW.body, '<', ''))
                  - (length(NEW.body) - length(replace(NEW.body, '</', ''))) / 2;
    IF start_tags > depth THEN
        PERFORM chatter._within_limit('nesting_depth', chatter._html_depth(NEW.body, depth), 'the HTML nesting depth');
    END IF;
    IF length(NEW.body) - length(translate(NEW.body, '@&', '')) > mentions THEN
        PERFORM chatter._within_limit('mentions', chatter._mention_count(NEW.body), 'the number of @mentions');
    END IF;
    -- The search vector of the body and subject as they are written (issue 23: a generated column before).
    NEW.search_vector := chatter._search_vector(NEW.subject, NEW.body);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._message_limits() IS
    'Trigger: the shape rules (23514), the subtype exists (23503, locked FOR KEY SHARE), Email messages by the gateway only (CH004), CH005 when a message body or subject is over chatter.limits, and the search '
    'vector (Tracking messages excepted: their shape is made by the tracking functions)';


-- A message whose type changes (to or from Tracking) gets the vector its new type has.
CREATE FUNCTION chatter._message_search_vector() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    NEW.search_vector := CASE WHEN NEW.message_type = 'Tracking' THEN NULL
                              ELSE chatter._search_vector(NEW.subject, NEW.body) END;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._message_search_vector() IS
    'Trigger: the search vector of a message whose type changed (NULL for Tracking)';
REVOKE EXECUTE ON FUNCTION chatter._message_search_vector() FROM PUBLIC;
ALTER FUNCTION chatter._message_search_vector() OWNER TO chatter_owner;
CREATE TRIGGER messages_search_vector BEFORE UPDATE OF message_type ON chatter.messages
    FOR EACH ROW WHEN (OLD.message_type IS DISTINCT FROM NEW.message_type)
    EXECUTE FUNCTION chatter._message_search_vector();
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER messages_search_vector;   -- as every chatter trigger there

COMMIT;
