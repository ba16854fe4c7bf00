"""Named SQL more than one router sends: messages in their one wire shape (bridge.deps.messages_json),
from whichever set-returning source. Row-level security decides what each query returns for the acting
user; every other query sits beside the route that sends it (bridge/routers)."""

from __future__ import annotations

# Messages in their one wire shape (chatter.message_wire, as the relay and the catch-up send them);
# {source} is a set-returning source of chatter.messages rows (constants, never user input).
MESSAGES = """
SELECT chatter.message_wire(m) AS message FROM {source} AS m ORDER BY m.id DESC
"""
MESSAGES_BY_ID = MESSAGES.format(source="(SELECT * FROM chatter.messages WHERE id = ANY($1::bigint[]))")
# Citus (CHATTER_CITUS=1): chatter.messages' policies cannot run on the workers' shards (class C in
# docs/scaling.md); chatter_citus.messages_by_id (sql/citus/reads.sql) reads the same rows under the same
# policies, evaluated on the coordinator.
CITUS_MESSAGES_BY_ID = MESSAGES.format(source="chatter_citus.messages_by_id($1::bigint[])")
