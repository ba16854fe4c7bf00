-- Revert pgchatter:search from pg: chatter._search_channel_hits as of @v0.6.0 (step 2 reads every match)

BEGIN;

DROP INDEX chatter.messages_id_brin;

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

COMMIT;
