-- Revert pgchatter:search from pg
-- search_vector a generated column again, and set_search_config as in v0.6.0 (which rebuilds it).

BEGIN;

CREATE OR REPLACE FUNCTION chatter.set_search_config(config regconfig) RETURNS void
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

-- The functions that read the column (search_messages and its helpers) are PL/pgSQL: they find the rebuilt
-- column by name at their next call.
SELECT chatter.set_search_config(chatter._search_config());

COMMIT;
