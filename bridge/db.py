"""The connection pool and the per-request session: one transaction, acting user set, role switched."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
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


# Citus (CHATTER_CITUS=1, docs/scaling.md classes B and C): set_config() stays on the coordinator, while
# the row-level policies run on the workers too; a SET LOCAL statement is forwarded to them when
# citus.propagate_set_commands is 'local' (set on the pool's connections). The role is not forwarded:
# Citus opens each worker connection as the current role already. The user id is an integer from
# token_user(), so the statement is built from it, never from input.
CITUS_ACTING_USER = "SET LOCAL chatter.user_id = '{uid:d}'"


async def create_pool(url: str, size: int, citus: bool = False) -> asyncpg.Pool:
    # jit off: the feed query's estimate (set-returning function, correlated attachment list) crosses
    # jit_above_cost, and compiling it took 2 s per request against 5 ms without (make run, demo data).
    server_settings = {"jit": "off"}
    if citus:
        server_settings["citus.propagate_set_commands"] = "local"
    pool = await asyncpg.create_pool(url, min_size=1, max_size=size, init=_init_connection,
                                     server_settings=server_settings)
    assert pool is not None
    return pool


@dataclass
class Session:
    conn: asyncpg.Connection
    user_id: int
    bodies: Bodies
    """Serves message bodies sanitized once (bridge.bodies)."""
    _next_transaction: Callable[[], Awaitable[None]] | None = None
    citus: bool = False
    """Whether some reads go through sql/citus/reads.sql's functions, which evaluate the same policies on
    the coordinator: CHATTER_CITUS=1 and that file installed (app.state.citus_reads)."""

    async def written(self) -> None:
        """Between a write and the read of its result. One node: nothing, the read sees the write in
        the same transaction. Citus (CHATTER_CITUS=1): the write commits and the read runs in a new
        transaction as the same user, because a worker refuses, in one transaction, the placements one
        role wrote (the SECURITY DEFINER functions, chatter_owner) to another (chatter_app reads):
        class B in docs/scaling.md. The write then stands even if the read fails."""
        if self._next_transaction is not None:
            await self._next_transaction()


bearer = HTTPBearer(auto_error=False, description="A token from `pgchatter token create USER`")


def token_of(credentials: HTTPAuthorizationCredentials | None) -> str:
    # The header only: a token in a URL ends up in access logs, browser history and Referer headers.
    # (WebSockets, which browsers cannot give headers, have ?token= and a first auth frame: bridge/ws.py.)
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return credentials.credentials
    raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})


async def authenticate(conn: asyncpg.Connection, token: str, role: str, citus: bool = False) -> int:
    """Inside a transaction: resolve the token, set chatter.user_id and the role; 401 if unknown. On
    Citus the user id is set again with SET LOCAL, which reaches the workers (CITUS_ACTING_USER)."""
    row = await conn.fetchrow(AUTH_SQL, token, role)
    if row is None or row["uid"] is None:
        raise HTTPException(401, "unknown, expired or revoked token", headers={"WWW-Authenticate": "Bearer"})
    uid = int(row["uid"])
    if citus:
        await conn.execute(CITUS_ACTING_USER.format(uid=uid))
    return uid


async def session(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> AsyncIterator[Session]:
    token = token_of(credentials)
    pool: asyncpg.Pool = request.app.state.pool
    settings = request.app.state.settings
    if not settings.citus:
        async with pool.acquire() as conn, conn.transaction():
            user_id = await authenticate(conn, token, settings.role)
            yield Session(conn, user_id, request.app.state.bodies)
        return
    # Citus: the same, except that Session.written() may commit and begin the next transaction.
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()

        async def next_transaction() -> None:
            nonlocal tx
            await tx.commit()
            tx = conn.transaction()
            await tx.start()
            await authenticate(conn, token, settings.role, citus=True)

        try:
            user_id = await authenticate(conn, token, settings.role, citus=True)
            yield Session(conn, user_id, request.app.state.bodies, next_transaction,
                          getattr(request.app.state, "citus_reads", False))
        except BaseException:
            with contextlib.suppress(asyncpg.InterfaceError):   # a next transaction that never started
                await tx.rollback()
            raise
        await tx.commit()

