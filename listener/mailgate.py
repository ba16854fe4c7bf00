"""`pgchatter mailgate`: replies by email (SPEC 8a). An SMTP server (aiosmtpd) on CHATTER_MAILGATE, or one
raw mail on standard input (`--stdin`, Postfix's pipe transport).

- Durable before 250: the DATA handler reads the routing headers (listener.inbound) and calls
  chatter.mailgate_accept, which routes the mail and stores its raw bytes, in one transaction; only
  then does the client hear 250. A refusal is 550 with the database's reason; a database that cannot
  be reached is 451 (the sending server retries); over CHATTER_MAILGATE_MAX_BYTES, aiosmtpd answers 552.
- Processing runs from the stored raw mail: a worker loop in the same process claims stored mails
  (chatter.mailgate_claim, SKIP LOCKED, a crashed gateway's claims taken over after the lease), parses
  them and posts each (chatter.mailgate_post); a failure is retried with backoff, then a dead letter
  (chatter.mailgate_dead_letters). A gateway killed between 250 and posting loses nothing: the next
  one to start posts it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from dataclasses import dataclass, field

import asyncpg
from aiosmtpd.smtp import SMTP, Envelope, Session

from listener import inbound
from listener.daemon import DISCONNECTED, Backoff

log = logging.getLogger("listener.mailgate")

ACCEPT = """SELECT inbound, refusal, duplicate
              FROM chatter.mailgate_accept($1, $2, $3::text[], $4::jsonb, $5, $6)"""
CLAIM = "SELECT inbound, raw, attempts FROM chatter.mailgate_claim($1, $2, make_interval(secs => $3), $4)"
POST = "SELECT chatter.mailgate_post($1, $2, $3, $4, $5, $6::text[], $7::text[], $8::bytea[], $9::text[])"
FAIL = "SELECT chatter.mailgate_fail($1, $2, $3, $4, $5)"

# Connections: SMTP sessions storing mails and the worker posting them share them.
POOL = 10

# Above this size a mail is parsed in a worker thread, off the event loop that serves SMTP sessions.
INLINE_PARSE_BYTES = 256 * 1024


@dataclass(frozen=True)
class MailgateConfig:
    host: str = "127.0.0.1"
    port: int = 2525
    """CHATTER_MAILGATE: host:port the SMTP server listens on."""
    max_bytes: int = 25 * 1024 * 1024
    """CHATTER_MAILGATE_MAX_BYTES: larger mails are refused with 552."""
    rate: int = 30
    """CHATTER_MAILGATE_RATE: mails a minute from one sender; more are refused (a loop, a flood)."""
    mail_domain: str = "pgchatter.localhost"
    """CHATTER_MAIL_DOMAIN: the domain of reply addresses and Message-IDs (the listener's too)."""
    batch: int = 20
    lease: float = 300.0
    max_attempts: int = 5
    poll: float = 2.0
    worker: str = field(default_factory=lambda: f"mailgate:{socket.gethostname()}:{os.getpid()}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> MailgateConfig:
        env = dict(os.environ if environ is None else environ)
        host, _, port = (env.get("CHATTER_MAILGATE") or "127.0.0.1:2525").rpartition(":")
        smtp_from = env.get("CHATTER_SMTP_FROM") or "pgchatter@pgchatter.localhost"
        return cls(
            host=host.strip("[]") or "127.0.0.1", port=int(port),
            max_bytes=int(env.get("CHATTER_MAILGATE_MAX_BYTES") or 25 * 1024 * 1024),
            rate=int(env.get("CHATTER_MAILGATE_RATE") or 30),
            # The same default as the listener's (listener/config.py): replies must find its Message-IDs.
            mail_domain=env.get("CHATTER_MAIL_DOMAIN") or smtp_from.rpartition("@")[2] or "pgchatter.localhost",
            lease=float(env.get("CHATTER_MAILGATE_LEASE") or 300),
            max_attempts=int(env.get("CHATTER_MAILGATE_MAX_ATTEMPTS") or 5),
        )


class Refused(Exception):
    """The database refused the mail; the message is the reason (the 550 text)."""


class Mailgate:
    def __init__(self, dsn: str, config: MailgateConfig) -> None:
        self.dsn = dsn
        self.config = config
        self.pool: asyncpg.Pool | None = None
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self.stored = 0
        self.posted = 0
        self.failed = 0

    async def open(self) -> None:
        if self.pool is None:
            self.pool = await asyncpg.create_pool(self.dsn, min_size=1, max_size=POOL)

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    # -- receiving: stored before 250 ---------------------------------------------------------------

    async def store(self, raw: bytes, envelope_from: str | None, recipients: list[str]) -> tuple[int, bool]:
        """Route and store one mail (the id, and whether it was a duplicate); Refused says why not."""
        if len(raw) > INLINE_PARSE_BYTES:
            headers = await asyncio.to_thread(inbound.route_headers, raw)
        else:
            headers = inbound.route_headers(raw)
        await self.open()
        assert self.pool is not None
        row = await self.pool.fetchrow(ACCEPT, raw, envelope_from, recipients, json.dumps(headers),
                                       self.config.mail_domain, self.config.rate)
        assert row is not None
        if row["refusal"] is not None:
            raise Refused(row["refusal"])
        self.stored += 1
        self._wake.set()
        return row["inbound"], row["duplicate"]

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            inbound_id, duplicate = await self.store(raw, envelope.mail_from, list(envelope.rcpt_tos))
        except Refused as exc:
            log.info("refused mail from %s to %s: %s", envelope.mail_from, envelope.rcpt_tos, exc)
            return "550 5.7.1 " + " ".join(str(exc).split())[:400]
        except DISCONNECTED + (asyncpg.PostgresError,) as exc:
            log.warning("cannot store mail (%s: %s): 451, the sender will retry", type(exc).__name__, exc)
            return "451 4.3.0 cannot store the mail now, try again later"
        return f"250 2.0.0 {'already have it' if duplicate else 'stored'} as #{inbound_id}"

    # -- processing: from the stored raw mail ---------------------------------------------------------

    async def process(self, *, once: bool = False) -> None:
        """Claim and post stored mails until stop() (with once: until none is due)."""
        backoff = Backoff(0.5, 30.0)
        while not self._stop.is_set():
            self._wake.clear()
            try:
                await self.open()
                while await self._batch():
                    pass
                backoff.reset()
            except DISCONNECTED + (asyncpg.PostgresError,) as exc:
                delay = backoff.next()
                log.warning("database unavailable (%s: %s); retrying in %.1f s", type(exc).__name__, exc, delay)
                await self.close()
                try:
                    await asyncio.wait_for(self._stop.wait(), delay)
                except TimeoutError:
                    pass
                continue
            if once:
                return
            try:
                await asyncio.wait_for(self._wake.wait(), self.config.poll)
            except TimeoutError:
                pass

    async def _batch(self) -> int:
        assert self.pool is not None
        cfg = self.config
        rows = await self.pool.fetch(CLAIM, cfg.worker, cfg.batch, cfg.lease, cfg.max_attempts)
        # Posted side by side on the pool's connections: the database's work (notifications for every
        # follower) overlaps with the parsing of the next mails here.
        await asyncio.gather(*(self._post(row["inbound"], row["raw"]) for row in rows))
        return len(rows)

    async def _post(self, inbound_id: int, raw: bytes) -> None:
        assert self.pool is not None
        cfg = self.config
        try:
            post = (await asyncio.to_thread(inbound.post_of, raw) if len(raw) > INLINE_PARSE_BYTES
                    else inbound.post_of(raw))
        except Exception as exc:   # a mail we cannot read at all: a dead letter, not a crash
            log.exception("inbound mail %s cannot be parsed", inbound_id)
            await self.pool.fetchval(FAIL, inbound_id, cfg.worker, f"cannot parse the mail: {exc}", True,
                                     cfg.max_attempts)
            self.failed += 1
            return
        atts = post.attachments
        try:
            await self.pool.fetchval(POST, inbound_id, cfg.worker, post.from_name, post.subject, post.body,
                                     [a.name for a in atts], [a.mimetype for a in atts], [a.content for a in atts],
                                     [a.content_id for a in atts])
        except asyncpg.PostgresError as exc:
            if isinstance(exc, DISCONNECTED):
                raise
            # Our rules (CH...), bad data (22...) and constraints (23...) will refuse it again: dead now.
            permanent = (exc.sqlstate or "").startswith(("CH", "22", "23"))
            status = await self.pool.fetchval(FAIL, inbound_id, cfg.worker, f"{exc.sqlstate}: {exc}", permanent,
                                              cfg.max_attempts)
            self.failed += 1
            log.warning("inbound mail %s not posted (%s): %s", inbound_id, status, exc)
        else:
            self.posted += 1

    # -- serving -------------------------------------------------------------------------------------

    def smtp_factory(self) -> SMTP:
        return SMTP(self, data_size_limit=self.config.max_bytes, enable_SMTPUTF8=True,
                    ident="pgchatter mailgate", hostname=self.config.mail_domain)

    async def serve(self, sock: socket.socket | None = None) -> None:
        """The SMTP server and the worker until stop()."""
        loop = asyncio.get_running_loop()
        if sock is not None:
            server = await loop.create_server(self.smtp_factory, sock=sock)
        else:
            server = await loop.create_server(self.smtp_factory, host=self.config.host, port=self.config.port)
        addresses = ", ".join(str(s.getsockname()) for s in server.sockets)
        log.info("mailgate listening on %s for %s (worker %s)", addresses, self.config.mail_domain,
                 self.config.worker)
        worker = asyncio.create_task(self.process())
        try:
            await self._stop.wait()
        finally:
            server.close()
            await server.wait_closed()
            await asyncio.wait_for(worker, 30)
            await self.close()


def run(args: object, dsn: str) -> int:
    """`pgchatter mailgate`: serve, or with stdin store one mail (exit codes as sendmail's: 0 stored,
    67 refused, 75 try later, 73 too large) and post what is due."""
    import signal
    import sys

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = MailgateConfig.from_env()
    gate = Mailgate(dsn, config)

    async def one() -> int:
        raw = sys.stdin.buffer.read(config.max_bytes + 1)
        if len(raw) > config.max_bytes:
            print(f"552 mail over CHATTER_MAILGATE_MAX_BYTES ({config.max_bytes} bytes)", file=sys.stderr)
            return 73
        recipients = list(getattr(args, "recipient", None) or []) or inbound.header_recipients(raw)
        if not recipients:
            print("550 no recipient: pass --recipient (Postfix ${recipient})", file=sys.stderr)
            return 67
        try:
            await gate.store(raw, getattr(args, "sender", None), recipients)
        except Refused as exc:
            print(f"550 {exc}", file=sys.stderr)
            return 67
        except DISCONNECTED + (asyncpg.PostgresError,) as exc:
            print(f"451 cannot store the mail now: {exc}", file=sys.stderr)
            return 75
        try:
            await gate.process(once=True)
        finally:
            await gate.close()
        return 0

    async def serve() -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, gate.stop)
        await gate.serve()
        return 0

    return asyncio.run(one() if getattr(args, "stdin", False) else serve())
