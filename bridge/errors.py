"""SQLSTATE -> HTTP status: chatter's own codes (chatter.error_codes) and PostgreSQL's classes.

Every error body is `{"detail": message, "code": sqlstate}`; bad input is a 4xx, never a 500."""

from __future__ import annotations

import logging

import asyncpg
from fastapi import Request
from fastapi.responses import JSONResponse

log = logging.getLogger("bridge")

# SPEC section 11, the same as chatter.error_codes.http_status.
CHATTER_CODES = {"CH001": 422, "CH002": 409, "CH003": 404, "CH004": 403, "CH005": 422}
EXACT = {
    "23505": 409,  # unique_violation
    "42501": 403,  # insufficient_privilege (row-level security, grants)
    "40001": 409,  # serialization_failure
    "40P01": 409,  # deadlock_detected
    "57014": 503,  # query_canceled (statement_timeout)
    "P0002": 404,  # no_data_found
}
CLASSES = {"22": 422, "23": 422, "08": 503, "53": 503, "57": 503, "P0": 400}


def status_for(sqlstate: str | None) -> int:
    if not sqlstate:
        return 500
    if sqlstate in CHATTER_CODES:
        return CHATTER_CODES[sqlstate]
    if sqlstate in EXACT:
        return EXACT[sqlstate]
    return CLASSES.get(sqlstate[:2], 500)


async def postgres_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, asyncpg.PostgresError)
    sqlstate = getattr(exc, "sqlstate", None)
    status = status_for(sqlstate)
    if status >= 500:
        log.error("database error %s on %s %s: %s", sqlstate, request.method, request.url.path, exc)
    message = getattr(exc, "message", None) or str(exc)
    body: dict[str, object] = {"detail": message, "code": sqlstate}
    hint = getattr(exc, "hint", None)
    if hint:
        body["hint"] = hint
    return JSONResponse(body, status_code=status)


async def client_data_error(request: Request, exc: Exception) -> JSONResponse:
    """Values asyncpg cannot even encode (an integer beyond bigint, a NUL in text)."""
    return JSONResponse({"detail": f"invalid value: {exc}", "code": "22000"}, status_code=422)


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL restarting or unreachable: a clean 503 the client may retry, never a 500. The pool drops
    the broken connections and the next request reconnects by itself."""
    log.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
    return JSONResponse({"detail": "database unavailable, retry shortly", "code": "08006"}, status_code=503,
                        headers={"Retry-After": "1"})
