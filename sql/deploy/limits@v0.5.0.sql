-- Deploy pgchatter:limits to pg
-- requires: ownership
-- requires: channel_post
-- requires: message_audience

BEGIN;

-- Bounded work (SPEC 9, issue 18): no single message, recipient list or file may cost the readers, the
-- relay or the mail queue seconds. The limits are enforced where the data enters the database, so a
-- plain-SQL writer meets them exactly as the bridge does; the bridge caps request sizes before that.
CREATE TABLE chatter.limits (
    name        text PRIMARY KEY,
    value       integer NOT NULL CHECK (value > 0),
    description text NOT NULL
);
COMMENT ON TABLE chatter.limits IS
    'Per-message and per-file limits, checked where data enters (CH005 names the limit); the owner may change them';
INSERT INTO chatter.limits (name, value, description) VALUES
    ('body_chars', 500000, 'characters in a message body'),
    ('subject_chars', 1000, 'characters in a message subject'),
    ('nesting_depth', 100, 'levels of nested HTML elements in a message body'),
    ('mentions', 200, '@mentions in a message body'),
    ('recipients', 500, 'explicit recipients (contacts) of one message'),
    ('attachment_bytes', 10485760, 'bytes in one attachment');
GRANT SELECT ON chatter.limits TO chatter_app;

-- One limit's value; CH005 with the limit's name and description when a value is over it.
CREATE FUNCTION chatter._within_limit(name text, actual bigint, what text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    lim chatter.limits;
BEGIN
    SELECT * INTO lim FROM chatter.limits AS l WHERE l.name = _within_limit.name;
    IF actual > lim.value THEN
        RAISE EXCEPTION '% is %: over the limit of % % (chatter.limits %)',
            coalesce(what, lim.description), actual, lim.value, lim.description, lim.name
            USING ERRCODE = 'CH005', HINT = 'shorten the input, or ask the administrator to raise the limit';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._within_limit(text, bigint, text) IS
    'CH005 naming the limit when actual is over chatter.limits.value';

-- How deeply HTML elements nest, as an HTML parser (html5ever, inside nh3) would build them, counting
-- stops past stop_at. nh3 is quadratic in this depth (50,000 nested divs: 8 s), so it is limited where
-- bodies enter. A start tag opens an element, except void elements and those a sibling closes (p, li,
-- td, ...: alone they cannot nest). An end tag closes the nearest open element of its name and those
-- above it, unless a "special" element (div, table, ...) stands in between, which makes parsers ignore it
-- ("<span><div></span>" leaves both open). Errs on the deep side, never far on the shallow one.
CREATE FUNCTION chatter._html_depth(html text, stop_at integer DEFAULT 2147483647) RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    piece text;
    tag text;
    closing boolean;
    first boolean := true;
    open_tags text[] := '{}';
    top integer := 0;
    deepest integer := 0;
    -- Membership by one strpos in a delimited list: an array of 30 names costs 30 comparisons a tag.
    never_open constant text := ',area,base,basefont,bgsound,br,col,embed,hr,img,input,keygen,link,meta,param,'
        'source,track,wbr,p,li,dt,dd,option,tr,td,th,tbody,thead,tfoot,colgroup,caption,html,head,body,';
    special constant text := ',address,applet,article,aside,blockquote,button,center,details,dir,div,dl,'
        'fieldset,figcaption,figure,footer,form,frameset,h1,h2,h3,h4,h5,h6,header,hgroup,iframe,listing,main,'
        'marquee,menu,nav,noembed,noframes,noscript,object,ol,pre,script,search,section,select,style,summary,'
        'table,template,textarea,title,ul,xmp,';
BEGIN
    -- Each piece after a '<' starts where a tag may. String functions, not a regex per piece: 500 KB of
    -- tags are checked in ~40 ms instead of ~180.
    FOREACH piece IN ARRAY pg_catalog.string_to_array(html, '<') LOOP
        IF first THEN
            first := false;
            CONTINUE;
        END IF;
        closing := left(piece, 1) = '/';
        -- The name runs to whitespace, '/' or '>' (as the tokenizer reads it); it starts with a letter.
        tag := split_part(translate(lower(substr(left(piece, 64), CASE WHEN closing THEN 2 ELSE 1 END)),
                                    E' \t\n\r\f/>', '       '), ' ', 1);
        CONTINUE WHEN NOT (ascii(tag) BETWEEN 97 AND 122);
        IF closing THEN
            IF top > 0 AND open_tags[top] = tag THEN    -- the common case: it closes the innermost
                top := top - 1;
                CONTINUE;
            END IF;
            FOR i IN REVERSE top .. 1 LOOP
                IF open_tags[i] = tag THEN
                    top := i - 1;
                    EXIT;
                END IF;
                EXIT WHEN strpos(special, ',' || open_tags[i] || ',') > 0;
            END LOOP;
        ELSIF strpos(never_open, ',' || tag || ',') = 0 THEN
            top := top + 1;
            open_tags[top] := tag;
            IF top > deepest THEN
                deepest := top;
                EXIT WHEN deepest > stop_at;
            END IF;
        END IF;
    END LOOP;
    RETURN deepest;
END
$$;
COMMENT ON FUNCTION chatter._html_depth(text, integer) IS
    'Nesting depth of HTML elements as a parser builds them (an upper estimate), counted up to stop_at + 1';

-- Mentions as the parser (chatter._mentioned_contacts) finds them: @[id], @"Name", @username.
CREATE FUNCTION chatter._mention_count(body text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT count(*)
      FROM pg_catalog.regexp_matches(replace(body, '&quot;', '"'),
                                     '@\[[0-9]|@"[^"<>]|(?:^|[^[:alnum:]_.@])@[[:alnum:]_]', 'g')
$$;

-- The limit triggers are SECURITY DEFINER (triggers cannot be called directly): whoever writes, they read
-- chatter.limits and call the helpers above, which nobody else may execute.

-- Trigger on chatter.messages: the body and subject of every message written by anyone but the tracking
-- triggers (whose bodies the database renders itself). Cheap tests first: a body with fewer start tags
-- than the depth limit cannot nest deeper, one with fewer '@' cannot hold more mentions.
CREATE FUNCTION chatter._message_limits() RETURNS trigger
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
    IF length(NEW.body) - length(replace(NEW.body, '@', '')) > mentions THEN
        PERFORM chatter._within_limit('mentions', chatter._mention_count(NEW.body), 'the number of @mentions');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._message_limits() IS
    'Trigger: CH005 when a message body or subject is over chatter.limits (Tracking messages excepted)';

CREATE TRIGGER messages_limits BEFORE INSERT OR UPDATE OF body, subject ON chatter.messages
    FOR EACH ROW WHEN (NEW.message_type <> 'Tracking') EXECUTE FUNCTION chatter._message_limits();
-- ALWAYS, as every chatter trigger on chatter.messages: the bulk tracking path switches to replica mode
-- only when no trigger would be skipped by it (chatter._track_bulk_begin).
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER messages_limits;

-- Explicit recipients (create_message's and notify's contacts), per message, once per statement.
CREATE FUNCTION chatter._recipient_limits() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    most bigint;
BEGIN
    SELECT max(c) INTO most
      FROM (SELECT count(*) AS c FROM chatter.message_recipients AS r
             WHERE r.message_id IN (SELECT DISTINCT n.message_id FROM new_rows AS n)
             GROUP BY r.message_id) AS per_message;
    PERFORM chatter._within_limit('recipients', most, 'the number of recipients');
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION chatter._recipient_limits() IS
    'Trigger: CH005 when one message gets more explicit recipients than chatter.limits recipients';

CREATE TRIGGER message_recipients_limits AFTER INSERT ON chatter.message_recipients
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chatter._recipient_limits();

-- Attachments: the size of the content, whoever writes it.
CREATE FUNCTION chatter._attachment_limits() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._within_limit('attachment_bytes', octet_length(NEW.content), 'the attachment (bytes)');
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._attachment_limits() IS
    'Trigger: CH005 when an attachment is larger than chatter.limits attachment_bytes';

CREATE TRIGGER attachments_limits BEFORE INSERT OR UPDATE OF content ON chatter.attachments
    FOR EACH ROW EXECUTE FUNCTION chatter._attachment_limits();

REVOKE EXECUTE ON FUNCTION chatter._within_limit(text, bigint, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._html_depth(text, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._mention_count(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._message_limits() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._recipient_limits() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._attachment_limits() FROM PUBLIC;

ALTER TABLE chatter.limits OWNER TO chatter_owner;
ALTER FUNCTION chatter._within_limit(text, bigint, text) OWNER TO chatter_owner;
ALTER FUNCTION chatter._html_depth(text, integer) OWNER TO chatter_owner;
ALTER FUNCTION chatter._mention_count(text) OWNER TO chatter_owner;
ALTER FUNCTION chatter._message_limits() OWNER TO chatter_owner;
ALTER FUNCTION chatter._recipient_limits() OWNER TO chatter_owner;
ALTER FUNCTION chatter._attachment_limits() OWNER TO chatter_owner;

COMMIT;
