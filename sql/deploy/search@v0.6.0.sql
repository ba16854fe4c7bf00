-- Deploy pgchatter:search to pg
-- requires: limits
-- requires: record_rls_rows
-- requires: followers_api
-- requires: record_reads
-- requires: html_text

BEGIN;

-- Full-text search over messages (SPEC 5, issue 21): a tsvector the database keeps (a stored generated
-- column), a GIN index, and chatter.search_messages over what the acting user may read.

INSERT INTO chatter.limits (name, value, description) VALUES
    ('search_chars', 200, 'characters in a search query');

-- A body as searchable plain text: its first `chars` characters (bodies may hold 500,000; a tsvector at
-- most 1 MB), tags dropped (an unterminated one at the cut too), the entities the editors write decoded
-- (&lt; and &gt; as ‹ and ›, as notification_payload does: a decoded "<b>" would read as a tag again),
-- blanks collapsed. IMMUTABLE: the generated column is made of it.
CREATE FUNCTION chatter._search_text(body text, chars integer DEFAULT 100000) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE   -- PL/pgSQL: a pinned LANGUAGE sql function is never inlined, and
SET search_path = ''                     -- its per-call executor start cost 3x the text work per message
AS $$
BEGIN
    RETURN chatter.html_text(left(coalesce(body, ''), chars));   -- the one HTML-to-text rule
END
$$;
COMMENT ON FUNCTION chatter._search_text(text, integer) IS
    'The first chars characters of an HTML body as plain text (tags dropped, entities decoded): what search indexes and quotes';

-- The text search configuration is chosen once for the whole table, because the stored vectors and the
-- queries must use the same one: set_search_config rewrites the two functions below (the configuration
-- is a constant in them, so the column stays IMMUTABLE) and rebuilds the column and its index.
CREATE FUNCTION chatter.set_search_config(config regconfig) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $fn$
BEGIN
    IF config IS NULL THEN
        RAISE EXCEPTION 'a text search configuration is required (e.g. simple, english)' USING ERRCODE = 'CH005';
    END IF;
    -- The column first: it depends on _search_vector. Rebuilding it rewrites chatter.messages.
    ALTER TABLE chatter.messages DROP COLUMN IF EXISTS search_vector;
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION chatter._search_config() RETURNS regconfig
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        SET search_path = ''
        AS %L$f$, format('SELECT %L::regconfig', config::text));
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION chatter._search_vector(subject text, body text) RETURNS tsvector
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        SET search_path = ''
        AS $b$
        BEGIN
            RETURN setweight(to_tsvector(%1$L::regconfig, coalesce(subject, '')), 'A')
                   || to_tsvector(%1$L::regconfig, chatter._search_text(body));
        END
        $b$ $f$, config::text);
    -- Tracking messages are not searched (as in Odoo, whose tracking values are no message text): the
    -- bulk tracking path pays one comparison per row, and the index holds no entry for them.
    ALTER TABLE chatter.messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        CASE WHEN message_type = 'Tracking' THEN NULL ELSE chatter._search_vector(subject, body) END) STORED;
    COMMENT ON COLUMN chatter.messages.search_vector IS
        'Full-text vector of subject (weight A) and body as text (first 100,000 characters); NULL for Tracking';
    CREATE INDEX messages_search_idx ON chatter.messages USING gin (search_vector) WHERE search_vector IS NOT NULL;
END
$fn$;
COMMENT ON FUNCTION chatter.set_search_config(regconfig) IS
    'Owner only: the text search configuration of search (default simple); rewrites chatter.messages and reindexes';
ALTER FUNCTION chatter.set_search_config(regconfig) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter.set_search_config(regconfig) FROM PUBLIC;

SET LOCAL client_min_messages = warning;   -- the first build has no column to drop: no NOTICE saying so
SELECT chatter.set_search_config('simple');
RESET client_min_messages;
ALTER FUNCTION chatter._search_config() OWNER TO chatter_owner;
ALTER FUNCTION chatter._search_vector(text, text) OWNER TO chatter_owner;
COMMENT ON FUNCTION chatter._search_config() IS 'The text search configuration of search (chatter.set_search_config)';
COMMENT ON FUNCTION chatter._search_vector(text, text) IS 'What chatter.messages.search_vector holds for a message';
REVOKE EXECUTE ON FUNCTION chatter._search_config() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._search_vector(text, text) FROM PUBLIC;

-- Why a SECURITY DEFINER part: PostgreSQL uses an index for a condition on a table under row-level
-- security only when the condition's function is LEAKPROOF, which @@ (ts_match_vq) is not, and only a
-- superuser may mark one. Under the policies, a search would read every message of the user's channels.
-- So the GIN scan runs as the owner and yields message ids in the channels the acting user is a member of
-- (chatter._my_channel_ids(), the helper the channel policies use), which members read anyway; the caller
-- then reads those rows as itself, under every policy, and returns only what they let through.
CREATE FUNCTION chatter._search_channel_hits(query tsquery, channels bigint[], before_id bigint, "limit" integer)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
SET jit = off                            -- as the other read paths: a GIN estimate over 5M rows crosses jit_above_cost
SET max_parallel_workers_per_gather = 0  -- a page of hits: workers cost more than they save
AS $$
DECLARE
    mine bigint[] := ARRAY(SELECT c FROM chatter._my_channel_ids() AS c
                            WHERE channels IS NULL OR c = ANY (channels));
    lim integer := least(greatest("limit", 0), 1000);
    -- How far step 1 walks: one channel (or a few) through its own (channel_id, id) index, further.
    walk integer := CASE WHEN cardinality(mine) <= 10 THEN 20000 ELSE 4000 END;
    hits bigint[];
BEGIN
    IF cardinality(mine) = 0 OR query IS NULL OR lim = 0 THEN
        RETURN;
    END IF;
    -- 1. The newest `walk` messages of those channels, walked back until the page is full: a common word
    --    fills it here, and the walk never goes further.
    EXECUTE 'SELECT ARRAY(SELECT w.id FROM (SELECT m.id, m.search_vector FROM chatter.messages AS m
                                             WHERE m.channel_id = ANY ($2) AND ($3::bigint IS NULL OR m.id < $3)
                                             ORDER BY m.id DESC LIMIT $5) AS w
                           WHERE w.search_vector @@ $1 ORDER BY w.id DESC LIMIT $4)'
        INTO hits USING query, mine, before_id, lim, walk;
    IF cardinality(hits) >= lim THEN
        RETURN QUERY SELECT unnest(hits);
        RETURN;
    END IF;
    -- Fewer messages than that in those channels: the walk saw them all.
    IF (SELECT count(*) FROM (SELECT FROM chatter.messages AS m
                               WHERE m.channel_id = ANY (mine) AND (before_id IS NULL OR m.id < before_id)
                               LIMIT walk) AS w) < walk THEN
        RETURN QUERY SELECT unnest(hits);
        RETURN;
    END IF;
    -- 2. A rarer word: every match through the GIN index (a shorter list, as the word is rarer), then those
    --    channels, newest first. MATERIALIZED: walking back the whole table is what step 1 rules out.
    RETURN QUERY EXECUTE
        'WITH found AS MATERIALIZED (
             SELECT m.id, m.channel_id FROM chatter.messages AS m
              WHERE m.search_vector @@ $1 AND ($3::bigint IS NULL OR m.id < $3))
         SELECT f.id FROM found AS f WHERE f.channel_id = ANY ($2) ORDER BY f.id DESC LIMIT $4'
        USING query, mine, before_id, lim;
END
$$;
COMMENT ON FUNCTION chatter._search_channel_hits(tsquery, bigint[], bigint, integer) IS
    'Ids of chat messages matching a query in the acting user''s own channels, newest first (search_messages re-reads them under row-level security)';
ALTER FUNCTION chatter._search_channel_hits(tsquery, bigint[], bigint, integer) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter._search_channel_hits(tsquery, bigint[], bigint, integer) FROM PUBLIC;

-- The search itself, as the caller: parses the query, checks the scope (CH003 for a record one may not
-- read, CH003/CH004 for a channel, as their pages say), collects candidate ids and reads them under
-- row-level security. Scopes: one record's feed; one channel; or, with neither, the user's channels and
-- DMs and the records the user follows.
CREATE FUNCTION chatter._search_messages(query text, model text, document bigint, channel bigint,
                                         "limit" integer, before_id bigint)
RETURNS TABLE(hit_id bigint, hit_model text, hit_document bigint, hit_channel bigint, hit_rank real,
              hit_snippet text)
LANGUAGE plpgsql STABLE
SET search_path = ''
SET client_min_messages = warning   -- no NOTICE for a query of stop words or punctuation only
SET jit = off
AS $$
DECLARE
    config regconfig := chatter._search_config();
    max_chars integer := (SELECT l.value FROM chatter.limits AS l WHERE l.name = 'search_chars');
    q tsquery;
    prefixes text[];
    word text;
    candidates bigint[];
BEGIN
    IF query IS NULL THEN
        RAISE EXCEPTION 'a search query is required' USING ERRCODE = 'CH005';
    END IF;
    IF length(query) > max_chars THEN
        RAISE EXCEPTION 'the search query (characters) is %: over the limit of % characters in a search query (chatter.limits search_chars)',
            length(query), max_chars
            USING ERRCODE = 'CH005', HINT = 'shorten the input, or ask the administrator to raise the limit';
    END IF;
    PERFORM chatter._check_limit("limit");
    IF channel IS NOT NULL AND (model IS NOT NULL OR document IS NOT NULL) THEN
        RAISE EXCEPTION 'search a record or a channel, not both' USING ERRCODE = 'CH005';
    END IF;

    -- "exact words", or, -word: websearch_to_tsquery, which never raises a syntax error; word*: a prefix
    -- (two characters at least, five of them at most: each one walks part of the index's word list).
    SELECT array_agg(lower(p[1])) INTO prefixes
      FROM regexp_matches(query, '([[:alnum:]_]{2,})\*', 'g') AS p;
    IF cardinality(prefixes) > 5 THEN
        RAISE EXCEPTION 'at most 5 prefix terms (word*) in a search query, got %', cardinality(prefixes)
            USING ERRCODE = 'CH005';
    END IF;
    q := websearch_to_tsquery(config, regexp_replace(query, '([[:alnum:]_]{2,})\*', ' ', 'g'));
    FOREACH word IN ARRAY coalesce(prefixes, '{}') LOOP
        q := q && to_tsquery(config, quote_literal(word) || ':*');
    END LOOP;
    IF numnode(q) = 0 THEN
        RETURN;   -- nothing searchable in the query (punctuation, stop words only)
    END IF;

    IF model IS NOT NULL OR document IS NOT NULL THEN
        PERFORM chatter.check_record_readable(model, document);
        candidates := ARRAY(
            SELECT m.id FROM chatter.messages AS m
             WHERE m.model = _search_messages.model AND m.document = _search_messages.document AND m.in_feed
               AND m.search_vector @@ q AND (before_id IS NULL OR m.id < before_id)
             ORDER BY m.id DESC LIMIT "limit");
    ELSIF channel IS NOT NULL THEN
        PERFORM FROM chatter.channel_history(channel, 1);   -- CH003 / CH004, as the channel's history
        IF channel IN (SELECT chatter._my_channel_ids()) THEN
            candidates := ARRAY(SELECT chatter._search_channel_hits(q, ARRAY[channel], before_id, "limit"));
        ELSE   -- a Public channel one has not joined: its own messages, under the policies
            candidates := ARRAY(
                SELECT m.id FROM chatter.messages AS m
                 WHERE m.channel_id = channel AND m.search_vector @@ q AND (before_id IS NULL OR m.id < before_id)
                 ORDER BY m.id DESC LIMIT "limit");
        END IF;
    ELSE
        candidates := ARRAY(
            SELECT h.id FROM (
                SELECT c.id FROM chatter._search_channel_hits(q, NULL, before_id, "limit") AS c(id)
                UNION ALL
                (SELECT m.id FROM chatter.followers AS f
                   JOIN chatter.messages AS m ON m.model = f.model AND m.document = f.document
                  WHERE f.contact_id = chatter.current_contact_id() AND m.in_feed
                    AND m.search_vector @@ q AND (before_id IS NULL OR m.id < before_id)
                  ORDER BY m.id DESC LIMIT "limit")) AS h
             ORDER BY h.id DESC LIMIT "limit");
    END IF;

    -- Every candidate is read again as the caller: the policies decide what comes back. The snippet is
    -- quoted from a bounded prefix of the text, HTML-escaped, with <mark> around the matches.
    RETURN QUERY
        SELECT m.id, m.model, m.document, m.channel_id, ts_rank(m.search_vector, q),
               ts_headline(config,
                           chatter._html_escape(concat_ws(' — ', nullif(btrim(m.subject), ''),
                                                          chatter._search_text(m.body, 3000))),
                           q, 'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12')
          FROM chatter.messages AS m
         WHERE m.id = ANY (candidates)
         ORDER BY m.id DESC;
END
$$;
COMMENT ON FUNCTION chatter._search_messages(text, text, bigint, bigint, integer, bigint) IS
    'The body of chatter.search_messages (PL/pgSQL names its output columns apart from its parameters)';

-- SPEC 5's signature: its output columns reuse two parameter names (model, document), which LANGUAGE sql
-- allows and PL/pgSQL does not; hence this wrapper.
CREATE FUNCTION chatter.search_messages(query text, model text DEFAULT NULL, document bigint DEFAULT NULL,
    channel bigint DEFAULT NULL, "limit" integer DEFAULT 50, before_id bigint DEFAULT NULL)
RETURNS TABLE(message_id bigint, model text, document bigint, channel_id bigint, rank real, snippet text)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT * FROM chatter._search_messages($1, $2, $3, $4, $5, $6)
$$;
COMMENT ON FUNCTION chatter.search_messages(text, text, bigint, bigint, integer, bigint) IS
    'Full-text search over what the acting user may read, newest first, with rank and an HTML-escaped snippet (<mark>); next page: before_id => smallest id seen';

ALTER FUNCTION chatter._search_text(text, integer) OWNER TO chatter_owner;
ALTER FUNCTION chatter._search_messages(text, text, bigint, bigint, integer, bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter.search_messages(text, text, bigint, bigint, integer, bigint) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter._search_text(text, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._search_messages(text, text, bigint, bigint, integer, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.search_messages(text, text, bigint, bigint, integer, bigint) FROM PUBLIC;
-- Whoever may insert or update a message computes its vector (a plain function of subject and body).
GRANT EXECUTE ON FUNCTION chatter._search_vector(text, text) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._search_config() TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._search_text(text, integer) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._search_channel_hits(tsquery, bigint[], bigint, integer) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._search_messages(text, text, bigint, bigint, integer, bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.search_messages(text, text, bigint, bigint, integer, bigint) TO chatter_app;

COMMIT;
