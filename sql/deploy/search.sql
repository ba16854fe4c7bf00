-- Deploy pgchatter:search to pg
-- requires: search@v0.7.0

BEGIN;

-- search_vector stops being a generated column (issue 23). A stored generated column's expression is
-- prepared again for every INSERT statement (the executor plans and compiles it per statement, as it does
-- a CHECK), which a single-row tracked UPDATE paid for a value that is NULL for every Tracking message. The
-- vector is now written by the trigger that already runs for every message but Tracking ones,
-- messages_limits (chatter._message_limits, reworked in limits), and after a change of message_type by
-- messages_search_vector: the same value as before for every row, NULL for Tracking.
ALTER TABLE chatter.messages ALTER COLUMN search_vector DROP EXPRESSION;
COMMENT ON COLUMN chatter.messages.search_vector IS
    'Full-text vector of subject (weight A) and body as text (first 100,000 characters); NULL for Tracking. '
    'Written by the messages_limits and messages_search_vector triggers (chatter._search_vector)';

-- As in v0.6.0, for a column written by triggers: the two functions are rewritten (the configuration is a
-- constant in them), then every vector is computed again with the new one.
CREATE OR REPLACE FUNCTION chatter.set_search_config(config regconfig) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $fn$
BEGIN
    IF config IS NULL THEN
        RAISE EXCEPTION 'a text search configuration is required (e.g. simple, english)' USING ERRCODE = 'CH005';
    END IF;
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
    -- Tracking messages are not searched (as in Odoo, whose tracking values are no message text).
    UPDATE chatter.messages AS m SET search_vector = chatter._search_vector(m.subject, m.body)
     WHERE m.message_type <> 'Tracking';
END
$fn$;

COMMIT;
