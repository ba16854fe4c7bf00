"""Real servers on loopback for the tests and benchmarks: an SMTP server (aiosmtpd), a Web Push service that
checks VAPID and decrypts (http_ece) like a browser vendor's would, and a bridge process."""

from __future__ import annotations

import asyncio
import base64
import email
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import http_ece
import httpx
from aiohttp import web
from aiosmtpd.controller import Controller
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from websockets.sync.client import connect as ws_connect

from pgchatter.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def b64url_decode(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# -- SMTP -------------------------------------------------------------------------------------------------


class Mailbox:
    """aiosmtpd handler keeping every message (raw; parsed on demand). Addresses in `refuse` get their code."""

    def __init__(self, delay: float = 0.0) -> None:
        self.raw: list[tuple[str, list[str], bytes]] = []
        self.refuse: dict[str, str] = {}
        self.delay = delay
        self.sessions = 0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.raw.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"

    def count(self) -> int:
        with self._lock:
            return len(self.raw)

    def messages(self) -> list[EmailMessage]:
        with self._lock:
            raw = list(self.raw)
        return [email.message_from_bytes(content, policy=default_policy) for _, _, content in raw]  # type: ignore[misc]

    def message_ids(self) -> Counter[str]:
        return Counter(str(m["Message-ID"]) for m in self.messages())


class SmtpServer:
    def __init__(self, port: int | None = None, delay: float = 0.0) -> None:
        self.port = port or free_port()
        self.mailbox = Mailbox(delay)
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpServer:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


# -- Web Push ---------------------------------------------------------------------------------------------


@dataclass
class Browser:
    """A push subscription as a browser makes one: its own P-256 key pair and auth secret."""

    name: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))
    answers: list[int | tuple[int, dict[str, str]]] = field(default_factory=list)
    """Status codes to answer next (then 201), with headers if a tuple: [429], [410], [(503, {"Retry-After": "120"})]."""

    @property
    def p256dh(self) -> str:
        return b64url(self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                         serialization.PublicFormat.UncompressedPoint))

    @property
    def auth_b64(self) -> str:
        return b64url(self.auth)


@dataclass
class Push:
    browser: str
    payload: dict[str, Any]
    ttl: int
    claims: dict[str, Any]


class PushService:
    """POST /push/<browser>: checks the VAPID JWT (ES256, aud, exp, sub) against the expected application
    server key, requires a TTL, decrypts aes128gcm with the browser's key, then answers."""

    def __init__(self, application_server_key: str) -> None:
        self.server_key = application_server_key
        self.port = free_port()
        self.browsers: dict[str, Browser] = {}
        self.received: list[Push] = []
        self.rejected: list[str] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def browser(self, name: str, answers: list[int | tuple[int, dict[str, str]]] | None = None) -> Browser:
        b = Browser(name, answers=list(answers or []))
        self.browsers[name] = b
        return b

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def _check_vapid(self, header: str) -> dict[str, Any]:
        scheme, _, params = header.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError(f"not a vapid authorization: {header[:20]}")
        fields = dict(p.strip().split("=", 1) for p in params.split(","))
        if fields["k"] != self.server_key:
            raise ValueError("unexpected application server key")
        head, body, sig = fields["t"].split(".")
        if json.loads(b64url_decode(head)).get("alg") != "ES256":
            raise ValueError("JWT alg is not ES256")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(fields["k"]))
        raw = b64url_decode(sig)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise ValueError("bad VAPID signature") from None
        claims = json.loads(b64url_decode(body))
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')} is not {self.origin}")
        if not time.time() < claims["exp"] <= time.time() + 24 * 3600:
            raise ValueError("exp out of range")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError("sub is not mailto: or https:")
        return claims

    async def _handle(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        browser = self.browsers.get(name)
        if browser is None:
            return web.Response(status=404)
        try:
            claims = self._check_vapid(request.headers.get("Authorization", ""))
            ttl = int(request.headers["TTL"])
            if request.headers.get("Content-Encoding") != "aes128gcm":
                raise ValueError("Content-Encoding is not aes128gcm")
            body = await request.read()
            clear = http_ece.decrypt(body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm")
            payload = json.loads(clear)
        except (ValueError, KeyError) as exc:
            with self._lock:
                self.rejected.append(f"{name}: {exc}")
            return web.Response(status=400, text=str(exc))
        if browser.answers:
            answer = browser.answers.pop(0)
            status, headers = answer if isinstance(answer, tuple) else (answer, {})
            if status >= 300:
                return web.Response(status=status, headers=headers)
        with self._lock:
            self.received.append(Push(name, payload, ttl, claims))
        return web.Response(status=201)

    def start(self) -> PushService:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            app = web.Application()
            app.router.add_post("/push/{name}", self._handle)
            self._runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(self._runner.setup())
            loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("push service did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = None


# -- the HTTP bridge -----------------------------------------------------------------------------------------


class Bridge:
    """A real bridge process (uvicorn bridge.app:app) on a free port, up when the constructor returns; with
    CHATTER_DEMO=1 in its environment, the demo's (demo.app:app: the bridge plus the demo routes)."""

    def __init__(self, url: str, extra_env: dict[str, str] | None = None, extra_args: tuple[str, ...] = (),
                 log: Any = None) -> None:
        """`log`: a file for the process's stdout and stderr (default: the test run's)."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": url, **(extra_env or {})}
        app = "demo.app:app" if env.get("CHATTER_DEMO") == "1" else "bridge.app:app"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", app, "--port", str(self.port), "--log-level", "warning",
             "--ws", "bridge.wsproto:Protocol", *extra_args], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("bridge did not come up")

    def ws(self, token: str):
        return ws_connect(f"ws://127.0.0.1:{self.port}/api/ws?token={token}", open_timeout=10)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
