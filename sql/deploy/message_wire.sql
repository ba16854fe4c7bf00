-- Deploy pgchatter:message_wire to pg
-- requires: message_wire@v0.10.0
-- requires: message_wire_set

BEGIN;

-- One wire shape per message: a message as the HTTP routes, the WebSocket catch-up and the live relay
-- send it, from the row each of them may read. SECURITY INVOKER: the author's name, the attachments, the
-- reactions and the parent are read under the caller's row-level security, as the row itself was. `body`
-- is the stored body and `body_html` its sanitized copy when there is one: the bridge sends body_html, or
-- sanitizes body once and stores the copy (bridge/bodies.py), and never sends both.
-- Issue 21: `edited` / `edited_at`, `deleted` (a tombstone: empty body), `reactions` (per emoji: count and
-- contacts, first reaction first), `starred` (by the acting user; false for the relay, which acts for no
-- one: the page keeps its own), `parent` (the replied-to message: author and a plain-text excerpt).
-- Issue 22: `bounced`, the recipients whose email of this message came back as a delivery report.
-- Issue 23: `tracking` rendered by the one renderer, chatter.tracking_json.
-- Issue 25: the shape is written once, in chatter.message_wire_set (the same object as a one-row set,
-- which the planner inlines into a query over many messages: the relay's reads); this returns its row.
-- PL/pgSQL, not SQL: its plan is kept for the session, the set function inlined into it. A call still
-- starts and ends that plan (its dozen subqueries) for one message: a query over many rows should call
-- message_wire_set instead.
CREATE OR REPLACE FUNCTION chatter.message_wire(m chatter.messages) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    RETURN (SELECT w.message FROM chatter.message_wire_set(m) AS w);
END
$$;
COMMENT ON FUNCTION chatter.message_wire(chatter.messages) IS
    'A message as the API sends it: author, attachments, reactions, edited/deleted, starred, parent, bounced, body and body_html (chatter.message_wire_set''s row)';

COMMIT;
