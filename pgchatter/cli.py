"""`pgchatter` command line: the private cluster and the schema.

    pgchatter db start|stop|status|url|env
    pgchatter deploy [--db NAME] [--fresh]
    pgchatter revert [--db NAME] [--to CHANGE]
"""

from __future__ import annotations

import argparse
import shlex
import sys

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
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args, Settings.from_env())
    except ClusterError as exc:
        print(f"pgchatter: {exc}", file=sys.stderr)
        return 1
