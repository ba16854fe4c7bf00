"""Email: the message of one job (sanitized HTML + text, attachments, threading headers) and the one
reused SMTP connection."""

from __future__ import annotations

import base64
import logging
import re
import secrets
import time
from collections import OrderedDict
from datetime import datetime
from email.header import Header
from email.quoprimime import body_encode
from email.utils import encode_rfc2231, format_datetime, formataddr
from typing import Any

import aiosmtplib

from listener.config import SmtpTarget
from pgchatter.html import sanitize

log = logging.getLogger("listener.mail")

CRLF = "\r\n"

def _clean_header(value: str) -> str:
    """No CR/LF from the database may reach a header (header injection)."""
    return re.sub(r"[\r\n\t]+", " ", value).strip()


def _header(name: str, value: str) -> bytes:
    value = _clean_header(value)
    if value.isascii() and len(value) < 900:
        return f"{name}: {value}\r\n".encode()
    return f"{name}: {Header(value, 'utf-8', header_name=name).encode(linesep=CRLF)}\r\n".encode()


def _address(name: str | None, address: str) -> str:
    address = _clean_header(address)
    if not name or _clean_header(name) == address:
        return address
    return formataddr((_clean_header(name), address))   # RFC 2047 for a non-ASCII name


def _quote_param(name: str, value: str) -> str:
    """A MIME parameter: quoted when ASCII, RFC 2231 (name*=utf-8''...) otherwise."""
    value = _clean_header(value)
    if value.isascii():
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{name}="{escaped}"'
    return f"{name}*={encode_rfc2231(value, 'utf-8')}"


def _text_part(subtype: str, text: str) -> bytes:
    return (f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
            + body_encode(text.encode("utf-8").decode("latin-1"), maxlinelen=76, eol=CRLF) + CRLF).encode("ascii")


def _multipart(subtype: str, parts: list[bytes]) -> bytes:
    # '=' is always escaped in quoted-printable and never inside base64 lines: no part contains this.
    boundary = f"===pgchatter_{secrets.token_hex(12)}=="
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()
    sep = f"--{boundary}\r\n".encode()
    return head + b"".join(sep + p for p in parts) + f"--{boundary}--\r\n".encode()


def _body(html_body: str, text: str, attachments: list[dict[str, Any]], contents: dict[int, bytes]) -> bytes:
    """MIME body of a message (the same for all its recipients): text + sanitized HTML, then attachments.
    The text is the claim's (chatter.html_text, the rule the notification preview reads too).
    Written directly: the email package's EmailMessage took ~1.7 ms a message, this ~0.05 ms."""
    clean = sanitize(html_body)
    body = _multipart("alternative", [
        _text_part("plain", text.rstrip("\n") + "\n"),
        _text_part("html", f"<!DOCTYPE html><html><body>{clean}</body></html>"),
    ])
    if attachments:
        parts = [body]
        for att in attachments:
            mimetype = att.get("mimetype") or "application/octet-stream"
            parts.append((f"Content-Type: {mimetype}; {_quote_param('name', att['name'])}\r\n"
                          f"Content-Disposition: attachment; {_quote_param('filename', att['name'])}\r\n"
                          "Content-Transfer-Encoding: base64\r\n\r\n").encode()
                         + base64.encodebytes(contents[att["id"]]).replace(b"\n", b"\r\n"))
        body = _multipart("mixed", parts)
    return b"MIME-Version: 1.0\r\n" + body


class EmailWriter:
    """Writes the email of a rendered job (chatter.render_email) as bytes. The body of a message is
    built once for all its recipients (a batch is mostly one message to many)."""

    def __init__(self, default_from: str, cache_size: int = 256) -> None:
        self.default_from = default_from
        self._bodies: OrderedDict[tuple[str, tuple[int, ...]], bytes] = OrderedDict()
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._cache_size = cache_size

    def texts_missing(self, jobs: list[dict[str, Any]]) -> list[str]:
        """The HTML bodies of these jobs whose text part is not known yet (see add_text)."""
        return list(dict.fromkeys(h for h in ((j.get("html") or "") for j in jobs) if h not in self._texts))

    def add_text(self, html: str, text: str) -> None:
        """The text part of a body, as chatter.html_text reads it (the rule the notification preview uses)."""
        self._texts[html] = text
        if len(self._texts) > self._cache_size:
            self._texts.popitem(last=False)

    def body(self, job: dict[str, Any], contents: dict[int, bytes]) -> bytes:
        attachments = job.get("attachments") or []
        key = (job.get("html") or "", tuple(a["id"] for a in attachments))
        body = self._bodies.get(key)
        if body is None:
            body = self._bodies[key] = _body(key[0], self._texts[key[0]], attachments, contents)
            if len(self._bodies) > self._cache_size:
                self._bodies.popitem(last=False)
        return body

    def write(self, job: dict[str, Any], contents: dict[int, bytes]) -> bytes:
        headers = [
            _header("From", _address(job.get("from_name"), job.get("from_address") or self.default_from)),
            _header("To", _address(job.get("to_name"), job["to"])),
        ]
        if job.get("reply_to"):
            headers.append(_header("Reply-To", job["reply_to"]))
        headers.append(_header("Subject", job.get("subject") or ""))
        if job.get("date"):
            headers.append(_header("Date", format_datetime(datetime.fromisoformat(job["date"]))))
        headers.append(_header("Message-ID", job["message_id"]))
        if job.get("in_reply_to"):
            headers.append(_header("In-Reply-To", job["in_reply_to"]))
            headers.append(_header("References", job.get("references") or job["in_reply_to"]))
        if job.get("model"):
            headers.append(_header("X-Pgchatter-Record", f"{job['model']}/{job['document']}"))
        return b"".join(headers) + self.body(job, contents)


class TransportDown(Exception):
    """The SMTP server cannot be reached: the batch goes back unspent, sending resumes later."""


class SendFailed(Exception):
    def __init__(self, error: str, *, permanent: bool) -> None:
        super().__init__(error)
        self.permanent = permanent


class SmtpSender:
    """One SMTP connection, opened on first use and reused for every message until it drops."""

    def __init__(self, target: SmtpTarget, *, envelope_from: str, timeout: float = 30.0) -> None:
        self.target = target
        self.envelope_from = envelope_from
        self.timeout = timeout
        self._client: aiosmtplib.SMTP | None = None
        self._last_used = time.monotonic()
        self.connections = 0

    def idle_for(self) -> float:
        """Seconds since the last message, 0 when no connection is open."""
        if self._client is None:
            return 0.0
        return time.monotonic() - self._last_used

    async def _connect(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        await self.close()
        t = self.target
        client = aiosmtplib.SMTP(hostname=t.host, port=t.port, use_tls=t.use_tls, start_tls=t.start_tls,
                                 timeout=self.timeout)
        try:
            await client.connect()
            if t.username:
                await client.login(t.username, t.password or "")
        except (OSError, aiosmtplib.SMTPException, TimeoutError) as exc:
            raise TransportDown(f"SMTP {t.host}:{t.port} unreachable: {exc}") from exc
        self._client = client
        self.connections += 1
        return client

    async def send(self, msg: bytes, recipient: str) -> None:
        """Send one message; SendFailed says whether trying again can help."""
        for attempt in (1, 2):
            client = await self._connect()
            try:
                await client.sendmail(self.envelope_from, [recipient], msg)
                self._last_used = time.monotonic()
                return
            except aiosmtplib.SMTPServerDisconnected as exc:
                # The server closed an idle connection: open a new one once.
                self._client = None
                if attempt == 2:
                    raise SendFailed(f"SMTP disconnected: {exc}", permanent=False) from exc
            except aiosmtplib.SMTPRecipientsRefused as exc:
                refused = exc.recipients[0]
                raise SendFailed(f"SMTP {refused.code} {refused.message}", permanent=refused.code >= 500) from exc
            except aiosmtplib.SMTPResponseException as exc:
                if exc.code == 421:   # service closing: the connection is gone
                    self._client = None
                raise SendFailed(f"SMTP {exc.code} {exc.message}", permanent=exc.code >= 500) from exc
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                self._client = None
                raise SendFailed(f"SMTP error: {exc}", permanent=False) from exc

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()
