"""SQLSTATE -> HTTP status: chatter's own codes (chatter.error_codes) and PostgreSQL's classes.

Every error body is `{"detail": message, "code": sqlstate}`; bad input is a 4xx, never a 500. A request that
fails validation is a 422 naming its fields, never echoing them (validation_error)."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

log = logging.getLogger("bridge")

# SPEC section 11, the same as chatter.error_codes.http_status. Kept here so the bridge answers an error
# without a query; tests/test_error_codes.py holds the two together (it fails unless this map and the
# deployed table agree exactly, code for code and status for status).
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
    # Also a WebSocket's (a client gone during the handshake is an OSError too): it has no method, and
    # Starlette sends no response for it.
    method = request.scope.get("method", "WEBSOCKET")
    log.warning("database unavailable on %s %s: %r", method, request.url.path, exc)
    return JSONResponse({"detail": "database unavailable, retry shortly", "code": "08006"}, status_code=503,
                        headers={"Retry-After": "1"})


# --- request validation (422) --------------------------------------------------------------------------
# FastAPI's default 422 echoes every failing value back (`input`, and `ctx` values that may hold it): a
# 300 MB field came back whole. These answers name the field and say what is wrong, in bounded size.

MAX_ERRORS = 20
MAX_FIELD = 120
MAX_MESSAGE = 200


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _field(loc: tuple[object, ...] | list[object], kind: str) -> str:
    if kind == "json_invalid":   # loc is ("body", offset): the offset is not a field
        return "body"
    # A part may be a key the client sent (an extra field, a dict key): clipped like the rest.
    return _clip(".".join(_clip(str(part), 40) for part in loc), MAX_FIELD)


def _message(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error")
        return _clip(f"invalid JSON ({reason})" if isinstance(reason, str) else "invalid JSON", MAX_MESSAGE)
    # pydantic's msg is made from the schema (lengths, patterns, literals we wrote), not from the input.
    return _clip(str(error.get("msg", "invalid value")), MAX_MESSAGE)


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    fields = [{"field": _field(e.get("loc", ()), str(e.get("type", ""))), "message": _message(e)}
              for e in errors[:MAX_ERRORS]]
    detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    if len(errors) > MAX_ERRORS:
        detail += f"; and {len(errors) - MAX_ERRORS} more"
    return {"detail": detail or "invalid request", "code": "22023", "errors": fields}


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(validation_body(list(exc.errors())), status_code=422)
