"""The one HTML sanitizer. Bodies are stored as given; every output path (bridge HTTP and WebSocket,
email) cleans them here: no scripts, no event handlers, no javascript: links (nh3, i.e. ammonia)."""

from __future__ import annotations

import nh3


def sanitize(html: str | None) -> str:
    return nh3.clean(html or "")
