"""`bridge.app:app` — run with `pgchatter bridge` (uvicorn). OpenAPI at /docs and /openapi.json."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from bridge import docs, errors, ws
from bridge import schemas as s
from bridge.bodies import Bodies
from bridge.collector import Collector
from bridge.config import BridgeSettings
from bridge.db import create_pool
from bridge.deps import ERRORS
from bridge.headers import SecurityHeaders
from bridge.limits import BodyLimit, BodyTooLarge, too_large
from bridge.realtime import Hub
from bridge.routers import activities, attachments, channels, followers, inbox, messages, people, push, search

log = logging.getLogger("bridge")
STATIC = Path(__file__).resolve().parent / "static"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: BridgeSettings = getattr(app.state, "settings", None) or BridgeSettings.from_env()
    app.state.settings = settings
    app.state.pool = await create_pool(settings.database_url, settings.pool_size, settings.citus)
    app.state.bodies = Bodies(app.state.pool)
    # Citus: the reads that evaluate rights on the coordinator (sql/citus/reads.sql) where they are installed.
    # CHATTER_CITUS=1 on one node (tests/test_bridge_citus_mode.py) keeps the plain reads, which work there.
    app.state.citus_reads = settings.citus and bool(
        await app.state.pool.fetchval("SELECT pg_catalog.to_regnamespace('chatter_citus') IS NOT NULL"))
    app.state.hub = Hub(settings.database_url, app.state.bodies, settings.poll_interval, app.state.citus_reads,
                        Collector() if settings.gc_freeze else None)
    await app.state.hub.start()
    try:
        yield
    finally:
        rechecker = getattr(app.state, "rechecker", None)    # bridge.ws: made with the first socket
        if rechecker is not None:
            rechecker.stop()
        await app.state.hub.stop()
        await app.state.bodies.close()
        await app.state.pool.close()


def create_app(settings: BridgeSettings | None = None, extra: Sequence[APIRouter] = ()) -> FastAPI:
    """The application; settings default to the environment, read at startup. `extra`: more routers, ahead
    of the page's static files (demo.app mounts the demo's this way; the bridge knows nothing of it)."""
    app = FastAPI(
        title="pgchatter bridge",
        version="0.3.0",
        description="HTTP and WebSocket access to pgchatter. Every request acts as the user of its bearer "
                    "token, in one transaction, under row-level security. Errors are `{\"detail\", \"code\"}` "
                    "with the SQLSTATE as code (CH001-CH005 of chatter.error_codes).",
        lifespan=lifespan,
        docs_url=None,       # bridge/docs.py: Swagger UI from the bridge itself, no CDN, no inline script
        redoc_url=None,
    )
    if settings is not None:
        app.state.settings = settings
    # The order of the OpenAPI document; every route may answer the errors of bridge.deps.ERRORS.
    for resource in (people, messages, followers, attachments, activities, channels, inbox, push, search):
        app.include_router(resource.router, prefix="/api", responses=ERRORS)
    app.include_router(ws.router)
    for router in extra:
        app.include_router(router)
    app.include_router(docs.router)
    app.add_api_route("/healthz", healthz, methods=["GET"], response_model=s.Health, tags=["ops"],
                      responses={503: {"model": s.Health}})
    app.add_exception_handler(RequestValidationError, errors.validation_error)
    app.add_exception_handler(BodyTooLarge, too_large)
    app.add_exception_handler(asyncpg.PostgresError, errors.postgres_error)
    app.add_exception_handler(asyncpg.exceptions.DataError, errors.client_data_error)
    app.add_exception_handler(OverflowError, errors.client_data_error)
    app.add_exception_handler(asyncpg.InterfaceError, errors.database_unavailable)   # connection lost
    app.add_exception_handler(OSError, errors.database_unavailable)                  # connection refused
    # The web page: static files, no build step. Mounted last so every route above wins.
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="static")
    # The edge, outermost last: security headers on every answer (the 413s included), then the body caps,
    # ahead of routing, authentication and every body parser.
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    document_edge(app)
    return app


def document_edge(app: FastAPI) -> None:
    """The OpenAPI document says what the edge answers: 413 on every operation that takes a body, and 422
    as Error (with `errors`), never FastAPI's HTTPValidationError (which echoes the input)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = generate()
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("Error", s.Error.model_json_schema(ref_template="#/components/schemas/{model}"))
        schemas.setdefault("FieldError", s.FieldError.model_json_schema())
        for operations in spec["paths"].values():
            for op in operations.values():
                responses = op.setdefault("responses", {})
                if "requestBody" in op:
                    responses.setdefault("413", {"description": "request body over CHATTER_MAX_BODY (default "
                                                 "1 MiB), or a file over CHATTER_MAX_UPLOAD", "content": error})
                if "HTTPValidationError" in str(responses.get("422", "")):
                    responses["422"] = {"description": "request validation failed: the fields, never their "
                                        "values", "content": error}
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


async def healthz(request: Request) -> Any:
    """Database reachable and the realtime relay listening."""
    ok = True
    try:
        async with request.app.state.pool.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1")
    except Exception:   # noqa: BLE001 - any failure is "not healthy"
        ok = False
    listening = request.app.state.hub.listening
    body = {"status": "ok" if ok and listening else "unavailable", "database": ok, "listening": listening}
    return body if ok and listening else JSONResponse(body, status_code=503)


app = create_app()
