"""Where the database is, and the few things every tool does with it."""

from __future__ import annotations

import os
import subprocess

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pgchatter.cluster import PrivateCluster
from pgchatter.settings import PROJECT_ROOT, Settings


def database_url(settings: Settings, database: str | None = None) -> str:
    """DATABASE_URL if set (optionally pointed at another database), else the private cluster's."""
    if settings.database_url is None:
        return PrivateCluster(settings).url(database)
    if database is None:
        return settings.database_url
    return make_conninfo(settings.database_url, dbname=database)


def ensure_server(settings: Settings) -> None:
    """Start the private cluster when it is the one we use; an explicit server is never touched."""
    if settings.database_url is None:
        PrivateCluster(settings).start()


def libpq_env(url: str) -> dict[str, str]:
    """PG* variables naming the same database, for psql, pg_prove, pgbench and sqitch."""
    params = conninfo_to_dict(url)
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "dbname": "PGDATABASE",
             "password": "PGPASSWORD", "sslmode": "PGSSLMODE"}
    return {env: str(params[key]) for key, env in names.items() if params.get(key)}


def _maintenance_url(url: str) -> str:
    return make_conninfo(url, dbname="postgres")


def create_database(url: str, *, fresh: bool = False) -> bool:
    """Create the database named by `url`; with fresh, drop it first. Returns True if it was created."""
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(_maintenance_url(url), autocommit=True) as conn:
        if fresh:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(url: str) -> None:
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(_maintenance_url(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def sqitch(url: str, *args: str) -> int:
    """Run sqitch against `url` from the project root; the target is passed through libpq variables
    because a Unix-socket host does not fit in a db:pg: URI."""
    env = {**os.environ, **libpq_env(url)}
    target = f"db:pg:{env['PGDATABASE']}"
    return subprocess.run(["sqitch", *args, target], cwd=PROJECT_ROOT, env=env, check=False).returncode
