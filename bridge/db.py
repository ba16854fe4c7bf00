"""The connection pool and the per-request session: one transaction, acting user set, role switched."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import asyncpg
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bridge.bodies import Bodies

# Resolve the token as the bridge's login role, then act as the user on the row-level-security role for
# the rest of the transaction. MATERIALIZED keeps token_user() ahead of the role switch.
AUTH_SQL = """
WITH s AS MATERIALIZED (SELECT chatter.token_user($1) AS uid)
SELECT s.uid,
       pg_catalog.set_config('chatter.user_id', coalesce(s.uid::text, ''), true),
       pg_catalog.set_config('role', $2, true)
  FROM s
"""


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(url: str, size: int) -> asyncpg.Pool:
    # jit off: the feed query's estimate (set-returning function, correlated attachment list) crosses
    # jit_above_cost, and compiling it took 2 s per request against 5 ms without (make run, demo data).
    pool = await asyncpg.create_pool(url, min_size=1, max_size=size, init=_init_connection,
                                     server_settings={"jit": "off"})
    assert pool is not None
    return pool


@dataclass
class Session:
    conn: asyncpg.Connection
    user_id: int
    bodies: Bodies
    """Serves message bodies sanitized once (bridge.bodies)."""


bearer = HTTPBearer(auto_error=False, description="A token from `pgchatter token create USER`")


def token_of(credentials: HTTPAuthorizationCredentials | None) -> str:
    # The header only: a token in a URL ends up in access logs, browser history and Referer headers.
    # (WebSockets, which browsers cannot give headers, have ?token= and a first auth frame: bridge/ws.py.)
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return credentials.credentials
    raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})


async def authenticate(conn: asyncpg.Connection, token: str, role: str) -> int:
    """Inside a transaction: resolve the token, set chatter.user_id and the role; 401 if unknown."""
    row = await conn.fetchrow(AUTH_SQL, token, role)
    if row is None or row["uid"] is None:
        raise HTTPException(401, "unknown, expired or revoked token", headers={"WWW-Authenticate": "Bearer"})
    return int(row["uid"])


async def session(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> AsyncIterator[Session]:
    token = token_of(credentials)
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn, conn.transaction():
        user_id = await authenticate(conn, token, request.app.state.settings.role)
        yield Session(conn, user_id, request.app.state.bodies)

