"""Bridge configuration, from the environment (on top of pgchatter's database settings)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from pgchatter import database
from pgchatter.html import allowed_image_hosts
from pgchatter.settings import Settings


@dataclass(frozen=True)
class BridgeSettings:
    database_url: str
    """DATABASE_URL, else the private cluster's database (PGCHATTER_DB)."""
    role: str
    """Role every request runs as (row-level security applies to it): chatter_app or a member of it."""
    vapid_public_key: str | None
    """CHATTER_VAPID_PUBLIC_KEY: the application server key browsers subscribe to Web Push with."""
    ws_queue: int
    """Frames buffered per socket; a client that falls this far behind is disconnected (it catches up by id)."""
    ws_queue_bytes: int
    """CHATTER_WS_QUEUE_BYTES: characters of frames buffered per socket, the same."""
    ws_stalled: float
    """CHATTER_WS_STALLED: seconds a catch-up waits for a client that reads nothing before closing it (4408)."""
    ws_recheck: float
    """CHATTER_WS_RECHECK: seconds between re-checks of a socket's token and watched records (revocations)."""
    poll_interval: float
    """Seconds between relay polls when no wake-up arrives (NOTIFY is only a hint)."""
    pool_size: int
    max_upload: int
    gc_freeze: bool = True
    """CHATTER_GC_FREEZE=0: Python's cyclic GC as it comes, its full collections walking every socket's objects
    (bridge.collector; on, they are frozen once open)."""
    """CHATTER_MAX_UPLOAD: largest attachment upload, in bytes (the upload route's body may be 64 KiB more,
    for the multipart framing: bridge/limits.py)."""
    max_body: int = 1024 * 1024
    """CHATTER_MAX_BODY: largest request body of every other route, in bytes; 413 past it, before the body
    is read in full and before authentication."""
    img_src: tuple[str, ...] = ()
    """CHATTER_REMOTE_IMAGES: hosts the page may load images from besides its own origin, data: and blob:
    (the same hosts the sanitizer keeps <img src> of: pgchatter.html); none by default."""
    citus: bool = False
    """CHATTER_CITUS=1: the database is a Citus coordinator (docs/scaling.md, classes B and C). A request
    that writes and then answers with what it wrote commits the write first and reads in a second
    transaction (bridge.db.Session.written), and the acting user is set with a SET LOCAL that Citus
    forwards to the workers. Off: one transaction per request, as on one node."""
    demo: bool = False
    """CHATTER_DEMO=1: serve the demo routes (/api/demo/*: log in as a demo user, sale orders, mailbox)."""
    demo_mailbox: str | None = None
    """CHATTER_DEMO_MAILBOX: directory of the demo SMTP server's received mails (pgchatter run)."""
    demo_listener: bool = False
    """CHATTER_DEMO_LISTENER=1: `pgchatter run` started a listener, so mails are expected."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> BridgeSettings:
        env = dict(os.environ if environ is None else environ)
        settings = Settings.from_env(env)
        return cls(
            database_url=database.database_url(settings),
            role=env.get("CHATTER_BRIDGE_ROLE", "chatter_app"),
            vapid_public_key=env.get("CHATTER_VAPID_PUBLIC_KEY") or None,
            ws_queue=int(env.get("CHATTER_WS_QUEUE", "256")),
            ws_queue_bytes=int(env.get("CHATTER_WS_QUEUE_BYTES", str(1024 * 1024))),
            ws_stalled=float(env.get("CHATTER_WS_STALLED", "10")),
            ws_recheck=float(env.get("CHATTER_WS_RECHECK", "30")),
            poll_interval=float(env.get("CHATTER_BRIDGE_POLL", "0.25")),
            pool_size=int(env.get("CHATTER_BRIDGE_POOL", "10")),
            gc_freeze=env.get("CHATTER_GC_FREEZE", "1") not in ("0", "false", "no"),
            max_upload=int(env.get("CHATTER_MAX_UPLOAD", str(10 * 1024 * 1024))),
            max_body=int(env.get("CHATTER_MAX_BODY", str(1024 * 1024))),
            img_src=tuple(sorted(allowed_image_hosts(env))),
            citus=env.get("CHATTER_CITUS", "") in ("1", "true", "yes"),
            demo=env.get("CHATTER_DEMO", "") in ("1", "true", "yes"),
            demo_mailbox=env.get("CHATTER_DEMO_MAILBOX") or None,
            demo_listener=env.get("CHATTER_DEMO_LISTENER", "") in ("1", "true", "yes"),
        )

