"""Shared set-up of the delivery tests: a deployed template database, posting, waiting."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import psycopg

from listener.config import ListenerConfig
from listener.daemon import Listener
from tests.conftest import run_seed

SETUP = """
INSERT INTO chatter.contacts (id, name, email) VALUES (1, 'Alice Author', 'alice@example.com');
INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice');
INSERT INTO chatter.contacts (id, name, email)
    SELECT 100 + g, 'Reader ' || g, 'reader' || g || '@example.com' FROM generate_series(1, %(readers)s) g;
INSERT INTO chatter.users (id, contact_id, username)
    SELECT 100 + g, 100 + g, 'reader' || g FROM generate_series(1, %(readers)s) g;
CREATE TABLE public.leads (id int PRIMARY KEY, name text);
INSERT INTO public.leads VALUES (1, 'Big deal');
SELECT chatter.enable('leads', track => false);
SELECT chatter.subscribe('leads', 1, ARRAY(SELECT 100 + g FROM generate_series(1, %(readers)s) g)::bigint[]);
"""


def setup(url: str, readers: int = 1) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        run_seed(conn, SETUP.replace("%(readers)s", str(int(readers))))


def post(url: str, count: int = 1, *, body: str = "<p>Hello</p>", **kwargs: Any) -> list[int]:
    """count messages on lead 1 emailed to its followers; returns their ids."""
    args = ", ".join(f"{k} => %({k})s" for k in kwargs)
    sql = ("SELECT chatter.create_message(%(body)s, author => 1, model => 'leads', document => 1, send => true"
           + (", " + args if args else "") + ")")
    with psycopg.connect(url, autocommit=True) as conn:
        return [conn.execute(sql, {"body": body, **kwargs}).fetchone()[0] for _ in range(count)]


def scalar(url: str, sql: str, *params: Any) -> Any:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchone()[0]


async def until(check: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def wait_until(check: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def config(smtp_url: str, **overrides: Any) -> ListenerConfig:
    base = ListenerConfig(smtp_url=smtp_url, smtp_from="chatter@mail.test", mail_domain="mail.test",
                          vapid_subject="mailto:ops@mail.test", poll=0.5, lease=300, push_ttl=3600)
    return dataclasses.replace(base, **overrides)


@asynccontextmanager
async def running(url: str, cfg: ListenerConfig, vapid: Any = None) -> AsyncIterator[Listener]:
    """A listener serving in this event loop for the duration of the block."""
    daemon = Listener(url, cfg, vapid=vapid)
    task = asyncio.create_task(daemon.run())
    try:
        yield daemon
    finally:
        daemon.stop()
        await asyncio.wait_for(task, 15)

