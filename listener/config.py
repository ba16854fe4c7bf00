"""Listener settings, from the environment like every pgchatter setting."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pgchatter.settings import PROJECT_ROOT

DEFAULT_VAPID_KEY = PROJECT_ROOT / ".data" / "vapid" / "private_key.pem"


@dataclass(frozen=True)
class SmtpTarget:
    """Where mail goes, parsed from CHATTER_SMTP_URL: smtp://, smtp+starttls:// or smtps://."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool = False

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        defaults = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
        if scheme not in defaults:
            raise ValueError(f"CHATTER_SMTP_URL: unknown scheme {scheme!r} (smtp, smtp+starttls, smtps)")
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or defaults[scheme],
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=scheme == "smtps",
            start_tls=scheme == "smtp+starttls",
        )


@dataclass(frozen=True)
class ListenerConfig:
    smtp_url: str = "smtp://localhost:25"
    """CHATTER_SMTP_URL: the SMTP server (smtp://user:password@host:port; smtps:// or smtp+starttls://)."""
    smtp_from: str = "pgchatter@pgchatter.localhost"
    """CHATTER_SMTP_FROM: envelope sender (bounces), and From when the author has no address."""
    mail_domain: str = "pgchatter.localhost"
    """CHATTER_MAIL_DOMAIN: right-hand side of Message-IDs; keep it stable, replies thread on it."""
    vapid_private_key: str | None = None
    """CHATTER_VAPID_PRIVATE_KEY: PEM file, PEM text or base64url key; default .data/vapid/private_key.pem."""
    vapid_subject: str = "mailto:pgchatter@pgchatter.localhost"
    """CHATTER_VAPID_SUBJECT: the contact the push service may write to (mailto: or https:)."""
    push_ttl: int = 86400
    """CHATTER_PUSH_TTL: seconds a push service keeps a message for an offline browser."""
    push_concurrency: int = 32
    batch: int = 50
    poll: float = 1.0
    """CHATTER_LISTENER_POLL: seconds between polls; the bound on the delay of a lost wake-up."""
    lease: float = 300.0
    """CHATTER_LISTENER_LEASE: seconds after which a crashed listener's claims are taken over."""
    max_attempts: int = 8
    chat_email_delay: float | None = None
    """CHATTER_CHAT_EMAIL_DELAY: seconds a DM stays unread before it is emailed; written at start into
    chatter.settings (chat_email_delay), which the database reads when a DM is posted. Unset: the
    database's value stays (10 minutes by default)."""
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ListenerConfig:
        env = dict(os.environ if environ is None else environ)
        smtp_from = env.get("CHATTER_SMTP_FROM") or "pgchatter@pgchatter.localhost"
        # Set but empty means "no key" (push jobs are left to other listeners), even if the default exists.
        if "CHATTER_VAPID_PRIVATE_KEY" in env:
            vapid = env["CHATTER_VAPID_PRIVATE_KEY"] or None
        else:
            vapid = str(DEFAULT_VAPID_KEY) if DEFAULT_VAPID_KEY.exists() else None
        kwargs = {}
        if env.get("CHATTER_LISTENER_WORKER"):
            kwargs["worker"] = env["CHATTER_LISTENER_WORKER"]
        return cls(
            smtp_url=env.get("CHATTER_SMTP_URL") or "smtp://localhost:25",
            smtp_from=smtp_from,
            mail_domain=env.get("CHATTER_MAIL_DOMAIN") or smtp_from.rpartition("@")[2] or "pgchatter.localhost",
            vapid_private_key=vapid,
            vapid_subject=env.get("CHATTER_VAPID_SUBJECT") or f"mailto:{smtp_from}",
            push_ttl=int(env.get("CHATTER_PUSH_TTL", "86400")),
            push_concurrency=int(env.get("CHATTER_PUSH_CONCURRENCY", "32")),
            batch=int(env.get("CHATTER_LISTENER_BATCH", "50")),
            poll=float(env.get("CHATTER_LISTENER_POLL", "1.0")),
            lease=float(env.get("CHATTER_LISTENER_LEASE", "300")),
            max_attempts=int(env.get("CHATTER_LISTENER_MAX_ATTEMPTS", "8")),
            chat_email_delay=float(env["CHATTER_CHAT_EMAIL_DELAY"]) if env.get("CHATTER_CHAT_EMAIL_DELAY") else None,
            **kwargs,
        )

    @property
    def smtp(self) -> SmtpTarget:
        return SmtpTarget.parse(self.smtp_url)

    def vapid_key_path(self) -> Path | None:
        if self.vapid_private_key and Path(self.vapid_private_key).is_file():
            return Path(self.vapid_private_key)
        return None
