"""`pgchatter` command line: the private cluster and the schema.

    pgchatter db start|stop|status|url|env
    pgchatter citus up|down|status|url|env [--name NAME]
    pgchatter deploy [--db NAME] [--fresh]
    pgchatter revert [--db NAME] [--to CHANGE]
    pgchatter listener [--db NAME] [--once] [--worker NAME]
    pgchatter mailgate [--db NAME] [--stdin [--sender ADDR] [--recipient ADDR ...]]
    pgchatter vapid generate [--dir DIR] [--force] | pgchatter vapid public
    pgchatter token create USER [--name NAME] | list [USER] | revoke ID
    pgchatter bridge [--host HOST] [--port PORT] [--workers N]
    pgchatter demo [--db NAME] [--fresh]
    pgchatter run [--host HOST] [--port PORT] [--smtp-port PORT] [--mailgate-port PORT] [--mailbox DIR] [--fresh]
                  [--external]
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import psycopg

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


def _citus(args: argparse.Namespace, settings: Settings) -> int:
    """A coordinator and two workers as private clusters (docs/scaling.md); DATABASE_URL is ignored."""
    from pgchatter.citus import CitusCluster

    cluster = CitusCluster(settings)
    match args.action:
        case "up":
            done = cluster.up(args.name)
            print("; ".join(done) if done else "already up, reused", f"({cluster.root})")
        case "down":
            print("; ".join(cluster.down()) or "not running")
        case "status":
            states = cluster.status()
            print(" ".join(f"{name}={state}" for name, state in states.items()))
            return 0 if set(states.values()) == {"running"} else 3
        case "url":
            print(cluster.url(args.name))
        case "env":
            for key, value in database.libpq_env(cluster.url(args.name)).items():
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
    """The delivery daemon: the listener's own start-up (listener/cli.py) with this command's settings."""
    from listener import cli as listener_cli

    return listener_cli.run(args, settings)


def _mailgate(args: argparse.Namespace, settings: Settings) -> int:
    """Replies by email (listener/mailgate.py): the SMTP server on CHATTER_MAILGATE, or one mail on stdin."""
    from listener import mailgate

    database.ensure_server(settings)
    return mailgate.run(args, database.database_url(settings, args.db))


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


def _token(args: argparse.Namespace, settings: Settings) -> int:
    database.ensure_server(settings)
    with psycopg.connect(database.database_url(settings, args.db), autocommit=True) as conn:
        match args.action:
            case "create":
                if not args.arg:
                    print("pgchatter: token create needs a USER (username or id)", file=sys.stderr)
                    return 2
                try:
                    row = conn.execute("SELECT chatter.token_create(%s, %s)", (args.arg, args.name)).fetchone()
                except psycopg.Error as exc:
                    print(f"pgchatter: {exc.diag.message_primary or exc}", file=sys.stderr)
                    return 1
                assert row is not None
                print(row[0])
            case "list":
                rows = conn.execute(
                    """SELECT t.id, u.username, coalesce(t.name, ''), t.created_at::timestamp(0),
                              coalesce(t.last_used_at::timestamp(0)::text, '-'),
                              CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked'
                                   WHEN t.expires_at <= now() THEN 'expired' ELSE 'active' END
                         FROM chatter.api_tokens AS t JOIN chatter.users AS u ON u.id = t.user_id
                        WHERE %(user)s::text IS NULL OR u.username = %(user)s OR u.id::text = %(user)s
                        ORDER BY t.id""", {"user": args.arg}).fetchall()
                for row in rows:
                    print("\t".join(str(v) for v in row))
            case "revoke":
                if not args.arg or not args.arg.isdigit():
                    print("pgchatter: token revoke needs a token ID (see token list)", file=sys.stderr)
                    return 2
                row = conn.execute("SELECT chatter.token_revoke(%s)", (int(args.arg),)).fetchone()
                print("revoked" if row and row[0] else "no such active token")
                return 0 if row and row[0] else 1
    return 0


def _bridge(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    database.ensure_server(settings)
    # No per-message deflate: frames are small JSON, and compressing each one for every socket was the
    # largest cost of a fan-out (a message to 1,000 followers: p99 of everyone else's frames 147 ms with
    # it, 83 ms without, bench/realtime.py), besides a zlib context per socket. bridge.wsproto: uvicorn's
    # websockets-sansio protocol that lets the relay write a frame encoded once to many sockets.
    uvicorn.run("bridge.app:app", host=args.host, port=args.port, workers=args.workers,
                log_level=args.log_level, ws_max_queue=64, ws_per_message_deflate=False,
                ws="bridge.wsproto:Protocol")
    return 0


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from demo import data

    if args.fresh and _deploy(args, settings) != 0:
        return 1
    url = database.database_url(settings, args.db)
    print("demo data seeded" if data.seed(url) else "demo data already there")
    for username, name, token in data.logins(url):
        print(f"{username}\t{name}\t{token}")
    return 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from demo import run

    return run.run(settings, host=args.host, port=args.port, smtp_port=args.smtp_port, fresh=args.fresh,
                   mailbox_dir=Path(args.mailbox) if args.mailbox else None, external=args.external,
                   mailgate_port=args.mailgate_port)


def parser() -> argparse.ArgumentParser:
    # The listener's options are defined once, in listener/cli.py; its daemon loads only when it runs.
    from listener import cli as listener_cli

    p = argparse.ArgumentParser(prog="pgchatter", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="the private PostgreSQL cluster (used when DATABASE_URL is unset)")
    db.add_argument("action", choices=["start", "stop", "status", "url", "env"])
    db.add_argument("--name", default=None, help="database name (default: PGCHATTER_DB or pgchatter)")
    db.set_defaults(func=_db)

    citus = sub.add_parser("citus", help="a local Citus coordinator and two workers (scale-out tests)")
    citus.add_argument("action", choices=["up", "down", "status", "url", "env"])
    citus.add_argument("--name", default=None, help="database name (default: PGCHATTER_DB or pgchatter)")
    citus.set_defaults(func=_citus)

    deploy = sub.add_parser("deploy", help="sqitch deploy --verify the chatter schema")
    deploy.add_argument("--db", default=None, help="database name (default: PGCHATTER_DB or pgchatter)")
    deploy.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    deploy.set_defaults(func=_deploy)

    revert = sub.add_parser("revert", help="sqitch revert the chatter schema")
    revert.add_argument("--db", default=None)
    revert.add_argument("--to", default=None, help="revert down to this change (default: everything)")
    revert.set_defaults(func=_revert)

    listener = sub.add_parser("listener", help=listener_cli.HELP)
    listener_cli.add_arguments(listener)   # the listener's own options (listener/cli.py)
    listener.set_defaults(func=_listener)

    gate = sub.add_parser("mailgate", help="receive replies by email: SMTP on CHATTER_MAILGATE, or --stdin (Postfix pipe)")
    gate.add_argument("--db", default=None, help="database name (default: PGCHATTER_DB or pgchatter)")
    gate.add_argument("--stdin", action="store_true", help="store one raw mail read from standard input, post it, exit")
    gate.add_argument("--sender", default=None, help="with --stdin: the envelope sender (Postfix ${sender})")
    gate.add_argument("--recipient", action="append", default=[],
                      help="with --stdin: an envelope recipient (Postfix ${recipient}); default: the mail's To, Cc")
    gate.set_defaults(func=_mailgate)

    vapid = sub.add_parser("vapid", help="VAPID keys for Web Push")
    vapid.add_argument("action", choices=["generate", "public"])
    vapid.add_argument("--dir", default=None, help="where generate writes the keys (default .data/vapid)")
    vapid.add_argument("--force", action="store_true", help="replace existing keys")
    vapid.set_defaults(func=_vapid)
    token = sub.add_parser("token", help="bearer tokens of the HTTP bridge (stored hashed)")
    token.add_argument("action", choices=["create", "list", "revoke"])
    token.add_argument("arg", nargs="?", default=None, help="create: USER (username or id); list: USER; revoke: ID")
    token.add_argument("--name", default=None, help="what the token is for")
    token.add_argument("--db", default=None)
    token.set_defaults(func=_token)

    bridge = sub.add_parser("bridge", help="run the HTTP + WebSocket bridge (uvicorn bridge.app:app)")
    bridge.add_argument("--host", default="127.0.0.1")
    bridge.add_argument("--port", type=int, default=8000)
    bridge.add_argument("--workers", type=int, default=1, help="processes; each has its own LISTEN connection")
    bridge.add_argument("--log-level", default="info")
    bridge.set_defaults(func=_bridge)

    demo = sub.add_parser("demo", help="seed the demo (sale_orders, users with tokens, chat) into a deployed db")
    demo.add_argument("--db", default=None)
    demo.add_argument("--fresh", action="store_true", help="drop, recreate and deploy the database first")
    demo.set_defaults(func=_demo)

    run = sub.add_parser("run", help="the whole stack in the foreground: deploy, demo, mailbox, listener, bridge")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--smtp-port", type=int, default=8025, help="the demo mailbox (a local SMTP server)")
    run.add_argument("--mailgate-port", type=int, default=2525, help="the mail gateway (replies by email)")
    run.add_argument("--fresh", action="store_true", help="start from an empty database (reseeds the demo)")
    run.add_argument("--mailbox", default=None, help="where received mails are kept (default: .data/mailbox)")
    run.add_argument("--external", action="store_true", help="allow DATABASE_URL (demo data goes into it)")
    run.set_defaults(func=_run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args, Settings.from_env())
    except ClusterError as exc:
        print(f"pgchatter: {exc}", file=sys.stderr)
        return 1
