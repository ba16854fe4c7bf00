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
