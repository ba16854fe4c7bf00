-- Deploy pgchatter:message_wire_set to pg
-- requires: message_wire
-- requires: message_wire_parts

BEGIN;

-- The wire shape of a message (the same object as chatter.message_wire, for every message:
-- message_wire_set_test) as a set of one row that the planner inlines into the query calling it:
-- `LATERAL chatter.message_wire_set(m)` or `(SELECT w.message FROM chatter.message_wire_set(m) AS w)`. Its dozen subqueries then belong to the
-- caller's plan, started once per statement and rescanned per row; chatter.message_wire (PL/pgSQL: a call
-- runs its RETURN as a statement of its own) started and ended all of them for every message: the relay's
-- read of a batch of 500 chat messages cost 423,000 instructions a message (bench/relay_instructions.py,
-- issue 25), most of it ExecutorStart and the plan's checks. message_wire keeps its own definition, for
-- one message at a time: on Citus, sql/citus/reads.sql copies it, and Citus planned this inlined form's
-- subqueries apart from the row they are given (the author's name came back NULL: make test-citus).
-- The object is the row's to_jsonb: its keys are the column names, each value converted as jsonb_build_object
-- does; a jsonb_build_object of 22 keys and values looked up the type of every key and value again for each
-- message (four catalog lookups each), about half of what the shape cost.
-- Inlined because it is LANGUAGE sql, STABLE, SECURITY INVOKER and has no SET clause. Its body is a
-- SQL-standard one (BEGIN ATOMIC): parsed once, here, so every name and operator in it is bound now and
-- the caller's search_path cannot change what it calls. Read under the caller's row-level security, as
-- message_wire: the author's name, the attachments, the reactions, the parent and the bounces are rows the
-- caller may read, or nothing.
CREATE FUNCTION chatter.message_wire_set(m chatter.messages) RETURNS TABLE (message jsonb)
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT pg_catalog.to_jsonb(w) FROM (SELECT
        m.id AS id,
        m.message_type AS message_type,
        (SELECT s.identifier FROM chatter.subtypes AS s WHERE s.id = m.subtype_id) AS subtype,
        m.model AS model,
        m.document AS document,
        m.channel_id AS channel_id,
        m.subject AS subject,
        m.body AS body,
        m.body_html AS body_html,
        CASE WHEN m.author_id IS NOT NULL THEN pg_catalog.jsonb_build_object(
                      'id', m.author_id,
                      'name', (SELECT c.name FROM chatter.contacts AS c WHERE c.id = m.author_id)) END AS author,
        m.from_email AS from_email,
        m.parent_id AS parent_id,
        -- chatter.tracking_json returns `tracking` itself when there are no typed values: the CASE skips
        -- the call (PL/pgSQL with a SET clause, ~11,000 instructions) for every message but the Tracking
        -- messages written since issue 23.
        CASE WHEN m.tracking_values IS NULL THEN m.tracking
             ELSE chatter.tracking_json(m.tracking, m.tracking_values) END AS tracking,
        m.created_at AS created_at,
        m.edited_at IS NOT NULL AS edited,
        m.edited_at AS edited_at,
        m.deleted_at IS NOT NULL AS deleted,
        -- The parts few messages have, each after an index probe (message_wire_parts): inline, their
        -- aggregates were started with every plan that reads messages, needed or not.
        CASE WHEN EXISTS (SELECT FROM chatter.message_attachments AS ma WHERE ma.message_id = m.id)
             THEN chatter._wire_attachments(m.id) ELSE '[]'::jsonb END AS attachments,
        CASE WHEN EXISTS (SELECT FROM chatter.reactions AS x WHERE x.message_id = m.id)
             THEN chatter._wire_reactions(m.id) ELSE '[]'::jsonb END AS reactions,
        EXISTS (SELECT FROM chatter.stars AS st
                            WHERE st.message_id = m.id
                              AND st.user_id = nullif(pg_catalog.current_setting('chatter.user_id', true), '')::bigint) AS starred,
        CASE WHEN m.parent_id IS NOT NULL THEN chatter._wire_parent(m.parent_id) END AS parent,
        CASE WHEN EXISTS (SELECT FROM chatter.message_bounces AS b WHERE b.message_id = m.id)
             THEN chatter._wire_bounced(m.id) ELSE '[]'::jsonb END AS bounced) AS w;
END;
COMMENT ON FUNCTION chatter.message_wire_set(chatter.messages) IS
    'chatter.message_wire(m) as a one-row set, inlined into the calling query (one plan for a batch of messages)';
ALTER FUNCTION chatter.message_wire_set(chatter.messages) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter.message_wire_set(chatter.messages) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.message_wire_set(chatter.messages) TO chatter_app;

COMMIT;
