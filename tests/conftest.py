"""Shared fixtures: the database the suite runs against (the private cluster unless DATABASE_URL is set)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from pgchatter import database
from pgchatter.settings import PROJECT_ROOT, Settings


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real `pgchatter` command, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "pgchatter", *args],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env={**os.environ, **(env or {})}, timeout=300,
        check=False,
    )


@pytest.fixture(scope="session")
def settings() -> Settings:
    settings = Settings.from_env()
    database.ensure_server(settings)
    return settings


@pytest.fixture
def scratch_db(settings: Settings):
    """A database name of its own for one test, dropped afterwards."""
    name = f"pgchatter_scratch_{uuid.uuid4().hex[:10]}"
    yield name
    database.drop_database(database.database_url(settings, name))


@pytest.fixture
def connect(settings: Settings):
    def _connect(name: str) -> psycopg.Connection:
        return psycopg.connect(database.database_url(settings, name), autocommit=True)
    return _connect


# -- delivery (listener) tests ------------------------------------------------------------------------------

TEMPLATE = "pgchatter_delivery_template"


@pytest.fixture(scope="session")
def delivery_template(settings: Settings) -> Iterator[str]:
    """Deployed once per session; each test copies it (CREATE DATABASE ... TEMPLATE)."""
    proc = run_cli("deploy", "--db", TEMPLATE, "--fresh")
    assert proc.returncode == 0, proc.stderr
    yield TEMPLATE
    database.drop_database(database.database_url(settings, TEMPLATE))


@pytest.fixture
def db_url(settings: Settings, delivery_template: str) -> Iterator[str]:
    """A fresh copy of the deployed schema for one test; its URL."""
    name = f"pgchatter_delivery_{uuid.uuid4().hex[:10]}"
    admin = database.database_url(settings, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                       sql.Identifier(delivery_template)))
    url = database.database_url(settings, name)
    yield url
    database.drop_database(url)
