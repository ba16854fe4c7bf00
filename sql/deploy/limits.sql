-- Deploy pgchatter:limits to pg
-- requires: limits@v0.9.0

BEGIN;

-- As in v0.9.0, with the limits read only when a cheap measure of the message is over one of them
-- (issues 23 and 25: every message but Tracking ones goes through this trigger, a chat post included).

DO $do$
BEGIN
    EXECUTE replace(replace($fn$
CREATE OR REPLACE FUNCTION chatter._message_limits() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $body$
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
        {lock_subtype}
    END IF;
    -- The limits. One query finds a limit that a cheap measure of the message is over (the length, the
    -- start tags as an upper bound of the nesting depth, the '@' and '&' as one of the mentions); only
    -- then are the limits read and the precise checks run, which raise as before. Reading the limits with
    -- an aggregate and two more statements for every message cost 57,000 of a plain message INSERT's
    -- 620,000 instructions (callgrind, 2026-12-07). Each measure is computed on its limit's row only.
    PERFORM FROM chatter.limits AS l
     WHERE (l.name = 'body_chars' AND length(NEW.body) > l.value)
        OR (l.name = 'subject_chars' AND length(NEW.subject) > l.value)
        OR (l.name = 'nesting_depth' AND length(NEW.body) - length(replace(NEW.body, '<', ''))
                                         - (length(NEW.body) - length(replace(NEW.body, '</', ''))) / 2 > l.value)
        OR (l.name = 'mentions' AND length(NEW.body) - length(translate(NEW.body, '@&', '')) > l.value);
    IF FOUND THEN
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
    END IF;
    -- The search vector of the body and subject as they are written (issue 23: a generated column before).
    NEW.search_vector := chatter._search_vector(NEW.subject, NEW.body);
    -- A new message wakes the bridges (it was the statement trigger messages_wake_bridge).
    IF TG_OP = 'INSERT' THEN
        {wake_bridges}
    END IF;
    RETURN NEW;
END
$body$
$fn$, '{lock_subtype}', chatter._lock_subtype_sql('NEW.subtype_id')), '{wake_bridges}', chatter._wake_bridges_sql());
END
$do$;

COMMENT ON FUNCTION chatter._message_limits() IS
    'Trigger: the shape rules (23514), the subtype exists (23503, locked FOR KEY SHARE), Email messages by the gateway only (CH004), CH005 when a message body or subject is over chatter.limits, the search '
    'vector, and the bridges'' wake-up on INSERT (Tracking messages excepted: their shape is made, and the bridges woken, by the tracking functions)';

COMMIT;
