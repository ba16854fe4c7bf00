-- Revert pgchatter:limits from pg
-- chatter._message_limits as in v0.7.0 (no search vector); messages_search_vector goes.

BEGIN;

DROP TRIGGER messages_search_vector ON chatter.messages;
DROP FUNCTION chatter._message_search_vector();

-- The Email guard as mailgate made it.
CREATE FUNCTION chatter._email_by_gateway() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF NOT chatter._caller_is_system() THEN
        RAISE EXCEPTION 'Email messages are written by the mail gateway' USING ERRCODE = 'CH004';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._email_by_gateway() IS 'CH004 for an Email message written by anyone but the system (the gateway)';
REVOKE EXECUTE ON FUNCTION chatter._email_by_gateway() FROM PUBLIC;
ALTER FUNCTION chatter._email_by_gateway() OWNER TO chatter_owner;
CREATE TRIGGER messages_email_by_gateway BEFORE INSERT OR UPDATE OF message_type ON chatter.messages
    FOR EACH ROW WHEN (NEW.message_type = 'Email') EXECUTE FUNCTION chatter._email_by_gateway();
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER messages_email_by_gateway;

DROP TRIGGER messages_limits ON chatter.messages;
CREATE TRIGGER messages_limits BEFORE INSERT OR UPDATE OF body, subject ON chatter.messages
    FOR EACH ROW WHEN (NEW.message_type <> 'Tracking') EXECUTE FUNCTION chatter._message_limits();
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER messages_limits;
ALTER TABLE chatter.messages
    ADD CONSTRAINT messages_shape_check CHECK (
        (model IS NULL) = (document IS NULL)                          -- a record is a model and a document
        AND (channel_id IS NULL OR model IS NULL)                     -- in a channel or on a record, not both
        AND (tracking IS NULL OR jsonb_typeof(tracking) = 'array'));  -- tracking values: an array of entries
COMMENT ON CONSTRAINT messages_shape_check ON chatter.messages IS
    'model and document together; a channel or a record, not both; tracking an array (one CHECK: cheaper per INSERT than three)';

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
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._message_limits() IS
    'Trigger: CH005 when a message body or subject is over chatter.limits (Tracking messages excepted)';

COMMIT;
