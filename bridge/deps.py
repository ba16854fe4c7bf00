"""What every router shares: the `Annotated` dependencies (the session, path and query parameters), the
error answers the OpenAPI document lists on every route, and a message as the API sends it."""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from fastapi import Depends, HTTPException, Path, Query

from bridge import queries as q
from bridge import schemas as s
from bridge.db import Session, session

# scope="function": the transaction commits (or rolls back) before the response is sent.
Db = Annotated[Session, Depends(session, scope="function")]

PathId = Annotated[int, Path(ge=1, le=s.BIGINT_MAX)]
ModelPath = Annotated[str, Path(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$", max_length=200)]
Limit = Annotated[int, Query(ge=1, le=1000)]
Before = Annotated[int | None, Query(ge=1, le=s.BIGINT_MAX, description="Only ids below this (next page)")]

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": s.Error, "description": text}
    for code, text in [(400, "unreadable request body"), (401, "missing or unknown token"), (403, "not allowed (CH004, privileges)"),
                       (404, "not found (CH003)"), (409, "conflict (CH002, duplicates)"),
                       (422, "invalid argument (CH001, CH005, bad values)")]
}


async def messages_json(db: Db, rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    """Messages as the API sends them (rows of queries.MESSAGES: chatter.message_wire), the body
    sanitized once (bridge.bodies)."""
    items = [r["message"] for r in rows]
    await db.bodies.serve(items)
    return items


async def messages_by_id(db: Db, ids: list[int]) -> list[dict[str, Any]]:
    query = q.CITUS_MESSAGES_BY_ID if db.citus else q.MESSAGES_BY_ID
    return await messages_json(db, await db.conn.fetch(query, ids))


async def one_message(db: Db, message_id: int) -> dict[str, Any]:
    found = await messages_by_id(db, [message_id])
    if not found:
        raise HTTPException(404, f"message {message_id} not found")
    return found[0]


def page(items: list[dict[str, Any]], limit: int, key: str = "id") -> int | None:
    """The cursor of the next page (`next_before_id`): the last id when the page is full."""
    return items[-1][key] if len(items) == limit else None
