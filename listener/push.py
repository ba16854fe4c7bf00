"""Web Push: VAPID-signed, aes128gcm-encrypted requests (pywebpush) over one aiohttp session."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import aiohttp
from py_vapid import Vapid
from pywebpush import WebPusher, WebPushException

Outcome = Literal["sent", "gone", "retry", "failed"]


@dataclass
class PushResult:
    outcome: Outcome
    error: str | None = None
    retry_after: float | None = None
    """Seconds the push service asked us to wait (Retry-After on a 429 or 5xx)."""


def retry_after(value: str | None) -> float | None:
    """A Retry-After header: delay-seconds or an HTTP-date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


class PushSender:
    def __init__(self, vapid: Vapid, *, subject: str, ttl: int, timeout: float = 15.0) -> None:
        self.vapid = vapid
        self.subject = subject
        self.ttl = ttl
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._signed: dict[str, tuple[float, dict[str, str]]] = {}

    def _headers(self, endpoint: str) -> dict[str, str]:
        """VAPID headers for the endpoint's origin, signed once an hour (the JWT lives 12 hours)."""
        url = urlsplit(endpoint)
        aud = f"{url.scheme}://{url.netloc}"
        now = time.time()
        cached = self._signed.get(aud)
        if cached is None or cached[0] < now:
            claims = {"sub": self.subject, "aud": aud, "exp": int(now) + 12 * 3600}
            cached = (now + 3600, dict(self.vapid.sign(claims)))
            self._signed[aud] = cached
        return dict(cached[1])

    async def send(self, push: dict[str, Any]) -> PushResult:
        if push.get("expired"):
            return PushResult("failed", "subscription expired")
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        info = {"endpoint": push["endpoint"], "keys": {"p256dh": push["p256dh"], "auth": push["auth"]}}
        data = json.dumps(push["payload"], separators=(",", ":")).encode()
        try:
            pusher = WebPusher(info, aiohttp_session=self._session)
            resp = await pusher.send_async(data, self._headers(push["endpoint"]), ttl=self.ttl,
                                           timeout=self.timeout)
        except WebPushException as exc:   # bad subscription keys: no retry can help
            return PushResult("failed", f"push: {exc}")
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return PushResult("retry", f"push service unreachable: {exc!r}")
        status = resp.status
        if status in (200, 201, 202):
            return PushResult("sent")
        error = f"push {status} {resp.reason}"
        if status in (404, 410):
            return PushResult("gone", error)
        if status == 429 or status >= 500:
            return PushResult("retry", error, retry_after(resp.headers.get("Retry-After")))
        return PushResult("failed", error)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
