"""The listener's start-up: `python -m listener` (what `pgchatter run` starts) and `pgchatter listener`,
which takes its options from here and hands its arguments to `run`.

The listener depends on pgchatter's leaf modules only (settings, database, cluster; html for mail), never
on its command line: the database is DATABASE_URL or the private cluster (pgchatter.settings), the rest
is ListenerConfig (CHATTER_SMTP_URL, CHATTER_VAPID_PRIVATE_KEY, ...)."""

from __future__ import annotations

import argparse
import sys

from pgchatter import database
from pgchatter.cluster import ClusterError
from pgchatter.settings import Settings

HELP = "deliver the outbox: email (CHATTER_SMTP_URL) and Web Push"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The listener's options, the same for `python -m listener` and `pgchatter listener`."""
    p.add_argument("--db", default=None, help="database name (default: PGCHATTER_DB or pgchatter)")
    p.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    p.add_argument("--worker", default=None, help="name of this listener in claims (default host:pid)")


def run(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """The delivery daemon (outbox -> email and Web Push) until SIGINT or SIGTERM; with --once, what is due."""
    # Imported here, not above: `pgchatter` builds its parser from add_arguments, and every other command
    # would otherwise load asyncpg, aiosmtplib and pywebpush for nothing.
    import asyncio
    import dataclasses
    import logging
    import signal

    from listener import vapid as vapid_keys
    from listener.config import ListenerConfig
    from listener.daemon import Listener

    settings = settings or Settings.from_env()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = ListenerConfig.from_env()
    if args.worker:
        config = dataclasses.replace(config, worker=args.worker)
    key = vapid_keys.load(config.vapid_private_key) if config.vapid_private_key else None
    if key is None:
        logging.getLogger("listener").warning(
            "no VAPID key (CHATTER_VAPID_PRIVATE_KEY; pgchatter vapid generate): push jobs wait in the outbox")
    database.ensure_server(settings)
    daemon = Listener(database.database_url(settings, args.db), config, vapid=key)

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, daemon.stop)
        await daemon.run(once=args.once)

    asyncio.run(serve())
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m listener", description=HELP)
    add_arguments(p)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args)
    except ClusterError as exc:
        print(f"listener: {exc}", file=sys.stderr)
        return 1
