"""`pgchatter` command line: the private cluster and the schema.

    pgchatter db start|stop|status|url|env
    pgchatter deploy [--db NAME] [--fresh]
    pgchatter revert [--db NAME] [--to CHANGE]
    pgchatter listener [--db NAME] [--once] [--worker NAME]
    pgchatter vapid generate [--dir DIR] [--force] | pgchatter vapid public
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from pgchatter import database
from pgchatter.cluster import ClusterError, PrivateCluster
from pgchatter.settings import Settings


def _db(args: argparse.Namespace, settings: Settings) -> int:
    cluster = PrivateCluster(settings)
    explicit = settings.database_url is not None
    match args.action:
        case "start":
            if explicit:
                print("DATABASE_URL is set: using that server, no private cluster started")
                return 0
            started = cluster.start()
            database.create_database(cluster.url(args.name))
            print(("started" if started else "already running, reused") + f": {cluster.pgdata}")
        case "stop":
            if explicit:
                print("DATABASE_URL is set: nothing of ours to stop")
                return 0
            print("stopped" if cluster.stop() else "not running")
        case "status":
            if explicit:
                print("external (DATABASE_URL)")
                return 0
            state = cluster.status()
            print(state)
            return 0 if state == "running" else 3
        case "url":
            print(database.database_url(settings, args.name))
        case "env":
            env = database.libpq_env(database.database_url(settings, args.name))
            for key, value in env.items():
                print(f"export {key}={shlex.quote(value)}")
    return 0


def _deploy(args: argparse.Namespace, settings: Settings) -> int:
    database.ensure_server(settings)
    url = database.database_url(settings, args.db)
    database.create_database(url, fresh=args.fresh)
    return database.sqitch(url, "deploy", "--verify")


def _revert(args: argparse.Namespace, settings: Settings) -> int:
    database.ensure_server(settings)
    url = database.database_url(settings, args.db)
    extra = ["--to", args.to] if args.to else []
    return database.sqitch(url, "revert", "-y", *extra)


def _listener(args: argparse.Namespace, settings: Settings) -> int:
    """The delivery daemon (listener/): outbox -> email and Web Push."""
    import asyncio
    import dataclasses
    import logging
    import signal

    from listener import vapid as vapid_keys
    from listener.config import ListenerConfig
    from listener.daemon import Listener

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


def _vapid(args: argparse.Namespace, settings: Settings) -> int:
    from listener import vapid as vapid_keys
    from listener.config import DEFAULT_VAPID_KEY, ListenerConfig

    if args.action == "generate":
        directory = Path(args.dir) if args.dir else DEFAULT_VAPID_KEY.parent
        try:
            private, key = vapid_keys.generate(directory.resolve(), force=args.force)
        except FileExistsError as exc:
            print(f"pgchatter: {exc}", file=sys.stderr)
            return 1
        print(f"CHATTER_VAPID_PRIVATE_KEY={private}")
        print(f"CHATTER_VAPID_PUBLIC_KEY={vapid_keys.application_server_key(key)}")
        return 0
    config = ListenerConfig.from_env()
    if not config.vapid_private_key:
        print("pgchatter: no VAPID key: run pgchatter vapid generate", file=sys.stderr)
        return 1
    print(vapid_keys.application_server_key(vapid_keys.load(config.vapid_private_key)))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pgchatter", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="the private PostgreSQL cluster (used when DATABASE_URL is unset)")
    db.add_argument("action", choices=["start", "stop", "status", "url", "env"])
    db.add_argument("--name", default=None, help="database name (default: PGCHATTER_DB or pgchatter)")
    db.set_defaults(func=_db)

    deploy = sub.add_parser("deploy", help="sqitch deploy --verify the chatter schema")
    deploy.add_argument("--db", default=None, help="database name (default: PGCHATTER_DB or pgchatter)")
    deploy.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    deploy.set_defaults(func=_deploy)

    revert = sub.add_parser("revert", help="sqitch revert the chatter schema")
    revert.add_argument("--db", default=None)
    revert.add_argument("--to", default=None, help="revert down to this change (default: everything)")
    revert.set_defaults(func=_revert)

    listener = sub.add_parser("listener", help="deliver the outbox: email (CHATTER_SMTP_URL) and Web Push")
    listener.add_argument("--db", default=None, help="database name (default: PGCHATTER_DB or pgchatter)")
    listener.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    listener.add_argument("--worker", default=None, help="name of this listener in claims (default host:pid)")
    listener.set_defaults(func=_listener)

    vapid = sub.add_parser("vapid", help="VAPID keys for Web Push")
    vapid.add_argument("action", choices=["generate", "public"])
    vapid.add_argument("--dir", default=None, help="where generate writes the keys (default .data/vapid)")
    vapid.add_argument("--force", action="store_true", help="replace existing keys")
    vapid.set_defaults(func=_vapid)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args, Settings.from_env())
    except ClusterError as exc:
        print(f"pgchatter: {exc}", file=sys.stderr)
        return 1
