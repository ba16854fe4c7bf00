-- Deploy pgchatter:search to pg
-- requires: search@v0.6.0

BEGIN;

-- The index part of a search past its walk (issue 21's p99). @v0.6.0 read every match of the words through
-- the GIN index and then each row's channel from the heap: for a word in 1% of 5M messages, 50,000 rows
-- scattered over the table (p99 790 ms). Now a rare word still reads all its matches (they are few), and
-- any other search reads windows of the newest ids going down, each sized from the hit rate so far: the
-- rows it reads are about what the page needs (times the share of other channels), close together. A
-- BRIN index on id gives a window's pages for almost nothing (ids grow with the table; new pages cost it
-- nothing until VACUUM summarizes them); the GIN bitmap of the words is ANDed with it.
-- (A GIN on (channel_id, search_vector), with btree_gin, was measured first: `channel_id = ANY(200
-- channels)` runs 200 GIN scans, each reading the words' posting lists again: 60-380 ms on the same data.)
CREATE INDEX messages_id_brin ON chatter.messages USING brin (id) WITH (pages_per_range = 32);
COMMENT ON INDEX chatter.messages_id_brin IS
    'Pages by id range: the windows of newest messages search reads (chatter._search_channel_hits)';

CREATE OR REPLACE FUNCTION chatter._search_channel_hits(query tsquery, channels bigint[], before_id bigint, "limit" integer)
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
    older bigint[];
    matches bigint;
    few constant integer := 5000;
    highest bigint;     -- step 3 reads ids below `upper`, from `highest` down, ...
    upper bigint;
    size bigint;        -- ... in windows of this many ids
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
    -- 2. Few hits in the walk (at most 3 in `walk` messages) and words, not a phrase: a rare word, whose
    --    matches in the whole table are likely few. If the GIN index gives at most `few`, they are all of
    --    them, and those in the channels, newest first, are the page. (A phrase of common words has many
    --    candidates to recheck on the heap, as many as its words' matches: it goes to the windows.)
    IF cardinality(hits) <= 3 AND query::text !~ '<(-|[0-9]+)>' THEN
        EXECUTE 'WITH found AS MATERIALIZED (
                     SELECT m.id, m.channel_id FROM chatter.messages AS m WHERE m.search_vector @@ $1 LIMIT $5 + 1)
                 SELECT (SELECT count(*) FROM found),
                        ARRAY(SELECT f.id FROM found AS f WHERE ($3::bigint IS NULL OR f.id < $3) AND f.channel_id = ANY ($2)
                               ORDER BY f.id DESC LIMIT $4)'
            INTO matches, older USING query, mine, before_id, lim, few;
        IF matches <= few THEN
            RETURN QUERY SELECT unnest(older);
            RETURN;
        END IF;
    END IF;
    -- 3. Otherwise below the walk's last hit (the walk saw every message of the channels above it), in
    --    windows of ids going down, so the page is the newest hits. Each window is sized from the rate of
    --    hits so far: twice the ids the missing hits take at that rate; with no hit yet, eight times the
    --    ids covered (at least 1/32 of the ids). A window reads only its own matches: the GIN bitmap of the
    --    words ANDed with the BRIN one of its ids, so the rows read are about what the page needs, close
    --    together. The last one, the rest of the table, reads its matches through the GIN index alone (a
    --    BRIN bitmap of most of the table would only make every page lossy).
    highest := coalesce(before_id, (SELECT max(m.id) + 1 FROM chatter.messages AS m));
    upper := coalesce((SELECT min(h) FROM unnest(hits) AS h), highest);
    LOOP
        size := CASE WHEN cardinality(hits) = 0 THEN greatest((highest - upper) * 8, highest / 32)
                     ELSE greatest((highest - upper) * 2 * (lim - cardinality(hits)) / cardinality(hits), 1000) END;
        IF upper - size > 1 THEN
            EXECUTE 'SELECT $5 || ARRAY(
                         WITH found AS MATERIALIZED (
                             SELECT m.id, m.channel_id FROM chatter.messages AS m
                              WHERE m.search_vector @@ $1 AND m.id >= $3 AND m.id < $4)
                         SELECT f.id FROM found AS f WHERE f.channel_id = ANY ($2) ORDER BY f.id DESC LIMIT $6)'
                INTO hits USING query, mine, upper - size, upper, hits, lim - cardinality(hits);
            upper := upper - size;
            EXIT WHEN cardinality(hits) >= lim;
        ELSE
            EXECUTE 'SELECT $4 || ARRAY(
                         WITH found AS MATERIALIZED (
                             SELECT m.id, m.channel_id FROM chatter.messages AS m WHERE m.search_vector @@ $1)
                         SELECT f.id FROM found AS f WHERE f.id < $3 AND f.channel_id = ANY ($2)
                          ORDER BY f.id DESC LIMIT $5)'
                INTO hits USING query, mine, upper, hits, lim - cardinality(hits);
            EXIT;
        END IF;
    END LOOP;
    RETURN QUERY SELECT unnest(hits);
END
$$;
COMMENT ON FUNCTION chatter._search_channel_hits(tsquery, bigint[], bigint, integer) IS
    'Ids of chat messages matching a query in the acting user''s own channels, newest first (search_messages re-reads them under row-level security)';

COMMIT;
