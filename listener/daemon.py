"""The listener loop: claim a batch, send it, record the outcome; sleep until a wake-up or the poll.

- The claim is one SQL function (chatter.delivery_claim): SKIP LOCKED, so several listeners never take the
  same job; a crashed listener's claims are taken over after the lease.
- A dedicated LISTEN connection only sets an event. The loop drains until a claim comes back empty, then
  waits for the event or the poll timeout, so a lost wake-up costs at most one poll interval. It drains
  at start and after every reconnect.
- When PostgreSQL goes away both connections are dropped and opened again with backoff; outcomes not yet
  recorded are kept in memory and recorded first, so a restart of PostgreSQL sends nothing twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from listener import queries
from listener.config import ListenerConfig
from listener.mail import EmailWriter, SendFailed, SmtpSender, TransportDown
from listener.push import PushSender

log = logging.getLogger("listener")

# What a lost or restarting server looks like to asyncpg.
DISCONNECTED = (OSError, ConnectionError, TimeoutError, asyncpg.InterfaceError,
                asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError,
                asyncpg.AdminShutdownError, asyncpg.CrashShutdownError)


SMTP_IDLE_CLOSE = 60.0
"""Seconds without an email after which the SMTP connection is closed (politely, before the server does)."""


class ConnectionLost(Exception):
    """The LISTEN connection went away."""


@dataclass
class Outcomes:
    """What happened to the jobs of a batch, until it is recorded in the database."""

    done: list[int] = field(default_factory=list)
    failed: list[tuple[int, str, bool, float | None]] = field(default_factory=list)
    """(job, error, permanent, seconds the server asked to wait)"""
    released: list[tuple[int, str, float]] = field(default_factory=list)
    gone: list[tuple[int, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.done or self.failed or self.released or self.gone)


@dataclass
class Stats:
    emails: int = 0
    pushes: int = 0
    failures: int = 0
    batches: int = 0
    reconnects: int = 0


class Backoff:
    def __init__(self, first: float = 0.2, cap: float = 10.0) -> None:
        self.first, self.cap, self.current = first, cap, first

    def reset(self) -> None:
        self.current = self.first

    def next(self) -> float:
        delay = self.current
        self.current = min(self.cap, self.current * 2)
        return delay * random.uniform(0.8, 1.2)


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


class Listener:
    def __init__(self, dsn: str, config: ListenerConfig, *, vapid: Any | None = None) -> None:
        self.dsn = dsn
        self.config = config
        self.stats = Stats()
        self.smtp = SmtpSender(config.smtp, envelope_from=config.smtp_from)
        # The text cache holds at least one batch: texts are fetched for a batch, then its emails written.
        self.writer = EmailWriter(config.smtp_from, cache_size=max(256, config.batch))
        self.push = (PushSender(vapid, subject=config.vapid_subject, ttl=config.push_ttl)
                     if vapid is not None else None)
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._work: asyncpg.Connection | None = None
        self._listen: asyncpg.Connection | None = None
        self._listen_lost = False
        self._unrecorded = Outcomes()
        self._smtp_down_until = 0.0
        self._smtp_backoff = Backoff(0.5, 30.0)
        self._push_slots = asyncio.Semaphore(config.push_concurrency)

    # -- lifecycle ---------------------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    async def run(self, *, once: bool = False) -> None:
        """Serve until stop() (or, with once, until the outbox has nothing due)."""
        backoff = Backoff()
        try:
            while not self._stop.is_set():
                try:
                    await self._connect()
                    backoff.reset()
                    await self._serve(once=once)
                    if once:
                        return
                except DISCONNECTED + (ConnectionLost, asyncpg.PostgresError) as exc:
                    if self._stop.is_set():
                        break
                    delay = backoff.next()
                    if isinstance(exc, DISCONNECTED + (ConnectionLost,)):
                        log.warning("database connection lost (%s: %s); reconnecting in %.1f s",
                                    type(exc).__name__, exc, delay)
                    else:   # not a lost connection: a schema not deployed, a bug; say so and retry
                        log.error("database error %s: %s; retrying in %.1f s", exc.sqlstate, exc, delay)
                    self.stats.reconnects += 1
                    await self._disconnect()
                    # Wait on stop only: the wake event may be set (by the lost connection itself).
                    try:
                        await asyncio.wait_for(self._stop.wait(), delay)
                    except TimeoutError:
                        pass
        finally:
            await self._disconnect()
            await self.smtp.close()
            if self.push is not None:
                await self.push.close()

    async def _connect(self) -> None:
        self._listen_lost = False
        # command_timeout: a server that stops answering (a network partition sends no FIN) counts as lost.
        self._work = await asyncpg.connect(self.dsn, timeout=10, command_timeout=60)
        await _init_connection(self._work)
        if self.config.chat_email_delay is not None:
            await self._set_chat_email_delay(self.config.chat_email_delay)
        self._listen = await asyncpg.connect(self.dsn, timeout=10, command_timeout=10)
        self._listen.add_termination_listener(self._on_listen_lost)
        await self._listen.add_listener(queries.WAKE_CHANNEL, self._on_notify)
        log.info("connected as worker %s; listening on %s", self.config.worker, queries.WAKE_CHANNEL)

    async def _set_chat_email_delay(self, seconds: float) -> None:
        """CHATTER_CHAT_EMAIL_DELAY: the database holds the delay (it schedules the email when a DM is
        posted); a listener whose role may not write chatter.settings says so and leaves it."""
        assert self._work is not None
        if seconds < 0:
            log.error("CHATTER_CHAT_EMAIL_DELAY is negative (%s); chatter.settings left as it is", seconds)
            return
        try:
            if not await self._work.fetchval(queries.CHAT_EMAIL_DELAY_SAME, seconds):
                await self._work.execute(queries.CHAT_EMAIL_DELAY, seconds)
        except asyncpg.InsufficientPrivilegeError as exc:
            log.warning("CHATTER_CHAT_EMAIL_DELAY not applied: %s (set chatter.settings as its owner)", exc)
        else:
            log.info("chat email delay: %s s", seconds)

    async def _disconnect(self) -> None:
        for conn in (self._listen, self._work):
            if conn is not None and not conn.is_closed():
                try:
                    await asyncio.wait_for(conn.close(), 2)
                except Exception:  # noqa: BLE001 - the server is gone anyway
                    conn.terminate()
        self._listen = self._work = None

    def _on_notify(self, *_args: object) -> None:
        self._wake.set()

    def _on_listen_lost(self, *_args: object) -> None:
        self._listen_lost = True
        self._wake.set()

    async def _sleep(self, seconds: float) -> bool:
        """Sleep until woken or stopped; True when woken early."""
        try:
            await asyncio.wait_for(self._wake.wait(), seconds)
            return True
        except TimeoutError:
            return False

    # -- the loop ----------------------------------------------------------------------------------

    async def _serve(self, *, once: bool) -> None:
        await self._record(self._unrecorded)   # what was sent before the connection dropped
        while not self._stop.is_set():
            self._wake.clear()
            await self._drain()
            if once:
                return
            woken = await self._sleep(self.config.poll)
            if self._listen_lost:
                raise ConnectionLost("LISTEN connection closed")
            if not woken:
                assert self._listen is not None
                await self._listen.fetchval(queries.ALIVE)   # liveness of the LISTEN connection
                if self.smtp.idle_for() > SMTP_IDLE_CLOSE:
                    await self.smtp.close()   # servers drop idle clients anyway; reopen on the next email

    def _kinds(self) -> list[str]:
        kinds = []
        if time.monotonic() >= self._smtp_down_until:
            kinds.append("email")
        if self.push is not None:
            kinds.append("push")
        return kinds

    async def _drain(self) -> None:
        """Claim and send until nothing is due."""
        while not self._stop.is_set():
            kinds = self._kinds()
            if not kinds:
                return
            assert self._work is not None
            jobs = await self._work.fetch(queries.CLAIM, self.config.worker, self.config.batch, self.config.lease,
                                          self.config.max_attempts, kinds, self.config.mail_domain)
            if not jobs:
                return
            self.stats.batches += 1
            outcomes = await self._deliver(jobs)
            await self._record(outcomes)

    async def _deliver(self, jobs: list[asyncpg.Record]) -> Outcomes:
        out = self._unrecorded = Outcomes()
        emails = [j for j in jobs if j["kind"] == "email"]
        pushes = [j for j in jobs if j["kind"] == "push"]
        await asyncio.gather(self._send_emails(emails, out), self._send_pushes(pushes, out))
        return out

    async def _send_emails(self, jobs: list[asyncpg.Record], out: Outcomes) -> None:
        if not jobs:
            return
        assert self._work is not None
        ids = sorted({a["id"] for j in jobs for a in j["email"]["attachments"]})
        contents: dict[int, bytes] = {}
        if ids:
            contents = {r["id"]: r["content"] for r in await self._work.fetch(queries.ATTACHMENTS, ids)}
        # The text part of each body, once per body (a batch is mostly one message to many recipients).
        missing = self.writer.texts_missing([j["email"] for j in jobs])
        if missing:
            for html, text in zip(missing, await self._work.fetchval(queries.TEXTS, missing), strict=True):
                self.writer.add_text(html, text or "")
        # A batch must finish well inside the lease, or another listener takes it over and sends it again:
        # past half the lease (a server answering slowly), the rest goes back to the outbox unspent.
        deadline = time.monotonic() + self.config.lease / 2
        for i, job in enumerate(jobs):
            if time.monotonic() > deadline:
                log.warning("batch past half the lease: %d emails back to the outbox", len(jobs) - i)
                out.released.extend((j["job"], "batch past half the lease", 0.0) for j in jobs[i:])
                return
            try:
                msg = self.writer.write(job["email"], contents)
                await self.smtp.send(msg, job["email"]["to"])
            except TransportDown as exc:
                delay = self._smtp_backoff.next()
                self._smtp_down_until = time.monotonic() + delay
                log.warning("%s; %d emails back to the outbox, retrying in %.1f s", exc, len(jobs) - i, delay)
                out.released.extend((j["job"], str(exc), delay) for j in jobs[i:])
                return
            except SendFailed as exc:
                self.stats.failures += 1
                log.warning("email job %s to %s failed: %s", job["job"], job["email"]["to"], exc)
                out.failed.append((job["job"], str(exc), exc.permanent, None))
            except (ValueError, KeyError, TypeError) as exc:   # a message we cannot even write
                self.stats.failures += 1
                log.exception("email job %s cannot be built", job["job"])
                out.failed.append((job["job"], f"cannot build the email: {exc}", True, None))
            else:
                self._smtp_backoff.reset()
                self.stats.emails += 1
                out.done.append(job["job"])

    async def _send_pushes(self, jobs: list[asyncpg.Record], out: Outcomes) -> None:
        if not jobs or self.push is None:
            return
        push = self.push

        async def one(job: asyncpg.Record) -> None:
            async with self._push_slots:
                result = await push.send(job["push"])
            match result.outcome:
                case "sent":
                    self.stats.pushes += 1
                    out.done.append(job["job"])
                case "gone":
                    out.gone.append((job["job"], result.error or "gone"))
                case "retry" | "failed":
                    self.stats.failures += 1
                    log.warning("push job %s failed: %s", job["job"], result.error)
                    out.failed.append((job["job"], result.error or "push failed", result.outcome == "failed",
                                       result.retry_after))

        await asyncio.gather(*(one(j) for j in jobs))

    async def _record(self, out: Outcomes) -> None:
        """Write a batch's outcome; kept for after the reconnect if the database is gone meanwhile."""
        if not out:
            return
        self._unrecorded = out
        conn = self._work
        assert conn is not None
        worker = self.config.worker
        if out.done:
            await conn.fetchval(queries.DONE, worker, out.done)
            out.done = []
        if out.failed:
            jobs, errors, permanent, not_before = (list(column) for column in zip(*out.failed, strict=True))
            await conn.fetchval(queries.FAIL, worker, jobs, errors, permanent, not_before, self.config.max_attempts)
            out.failed = []
        while out.gone:
            job, error = out.gone[0]
            await conn.fetchval(queries.GONE, job, worker, error)
            out.gone.pop(0)
        if out.released:
            delay = max(d for _, _, d in out.released)
            await conn.fetchval(queries.RELEASE, worker, [j for j, _, _ in out.released], out.released[0][1],
                                delay)
            out.released = []
