"""The one HTML sanitizer. Bodies are stored as given; every output path (bridge HTTP and WebSocket,
email) serves them cleaned here: no scripts, no event handlers, no javascript: links (nh3, i.e. ammonia),
and no remote images (a tracking pixel in an email or the page tells a third party who read it and when)
unless their host is allowed by CHATTER_REMOTE_IMAGES.

Sanitizing costs time linear in the body and quadratic in its nesting depth, which chatter.limits bounds
where bodies enter; the result is stored once (chatter.messages.body_html) and served from there."""

from __future__ import annotations

import os
import re
from functools import partial
from urllib.parse import urlsplit

import nh3

# Bodies up to this many characters are sanitized on the calling thread (HTML costs nh3 about 0.15 us a
# character: under a millisecond); longer ones in a worker thread, off the event loop (nh3 releases the GIL).
INLINE_CHARS = 4_096
HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def allowed_image_hosts(environ: dict[str, str] | os._Environ[str] | None = None) -> frozenset[str]:
    """CHATTER_REMOTE_IMAGES: hosts whose images may load (comma or space separated), `*` for any; default
    none. The sanitizer keeps their <img src>, and the page's Content-Security-Policy lets them load."""
    env = os.environ if environ is None else environ
    hosts = frozenset(h.lower() for h in env.get("CHATTER_REMOTE_IMAGES", "").replace(",", " ").split())
    for host in hosts:
        if host != "*" and not HOST.fullmatch(host):
            raise ValueError(f"CHATTER_REMOTE_IMAGES: not a host name: {host!r}")
    return hosts


def _keep_attribute(hosts: frozenset[str], element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute in ("src", "srcset"):
        url = urlsplit(value.strip())
        if url.scheme or url.netloc:    # absolute or protocol-relative: another origin
            host = (url.hostname or "").lower()
            if "*" not in hosts and host not in hosts:
                return None
    return value


class Sanitizer:
    def __init__(self, image_hosts: frozenset[str] | None = None) -> None:
        self.image_hosts = allowed_image_hosts() if image_hosts is None else image_hosts
        self._filter = partial(_keep_attribute, self.image_hosts)

    def __call__(self, html: str | None) -> str:
        return nh3.clean(html or "", attribute_filter=self._filter)


sanitize = Sanitizer()
