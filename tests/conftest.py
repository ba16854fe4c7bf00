"""Shared fixtures: the database the suite runs against (the private cluster unless DATABASE_URL is set)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
import pytest

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
