-- Deploy pgchatter:limits to pg
-- requires: limits@v0.5.0, mentions

BEGIN;

-- Mentions as the parser (chatter._mentioned_contacts) finds them, in the body's text: @[id], @"Name",
-- @username.
CREATE OR REPLACE FUNCTION chatter._mention_count(body text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT count(*)
      FROM pg_catalog.regexp_matches(chatter.html_text(body),
                                     '@\[[0-9]|@"[^"<>]|(?:^|[^[:alnum:]_.@])@[[:alnum:]_]', 'g')
$$;

-- Trigger on chatter.messages: the body and subject of every message written by anyone but the tracking
-- triggers (whose bodies the database renders itself). Cheap tests first: a body with fewer start tags
-- than the depth limit cannot nest deeper, one with fewer '@' and '&' (an @ may be written &#64;) cannot
-- hold more mentions.
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
