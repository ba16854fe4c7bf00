"""The private cluster: created once, reused, stopped; it never listens on TCP."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

from tests.conftest import run_cli


@pytest.fixture
def private_env():
    # /tmp itself, not pytest's 0700 tmp dir: the unprivileged cluster owner must reach the directory.
    root = Path(tempfile.mkdtemp(prefix="pgchatter-cluster-", dir="/tmp"))
    root.chmod(0o755)
    env = {"PGCHATTER_DATA": str(root / "pg"), "PGCHATTER_PORT": "54391", "PGCHATTER_DB": "cli_test",
           "DATABASE_URL": ""}
    yield env
    run_cli("db", "stop", env=env)
    shutil.rmtree(root, ignore_errors=True)


def test_start_twice_reuses_then_stop(private_env):
    first = run_cli("db", "start", env=private_env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("started")

    second = run_cli("db", "start", env=private_env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("already running, reused")

    status = run_cli("db", "status", env=private_env)
    assert (status.returncode, status.stdout.strip()) == (0, "running")

    url = run_cli("db", "url", env=private_env).stdout.strip()
    assert f"host={private_env['PGCHATTER_DATA']}/run" in url
    assert url.startswith("postgresql://postgres@/cli_test?")
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == ("cli_test",)
        # Unix socket only: nothing of ours on TCP, so another server on this machine is never touched.
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
        assert conn.execute("SELECT inet_server_port() IS NULL").fetchone() == (True,)

    stop = run_cli("db", "stop", env=private_env)
    assert (stop.returncode, stop.stdout.strip()) == (0, "stopped")
    status = run_cli("db", "status", env=private_env)
    assert (status.returncode, status.stdout.strip()) == (3, "stopped")
    again = run_cli("db", "stop", env=private_env)
    assert again.stdout.strip() == "not running"

    restarted = run_cli("db", "start", env=private_env)
    assert restarted.stdout.startswith("started"), "a stopped cluster starts again from the same data"


def test_cluster_runs_as_unprivileged_user(private_env):
    run_cli("db", "start", env=private_env)
    owner = Path(private_env["PGCHATTER_DATA"], "data").stat().st_uid
    if os.geteuid() == 0:
        assert owner != 0, "postgres refuses root, so the cluster must belong to another user"
    else:
        assert owner == os.geteuid()


def test_status_of_a_cluster_never_created(private_env):
    status = run_cli("db", "status", env=private_env)
    assert (status.returncode, status.stdout.strip()) == (3, "absent")
    assert not Path(private_env["PGCHATTER_DATA"]).exists(), "status must not create anything"


def test_database_url_means_no_private_cluster(private_env):
    env = {**private_env, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    start = run_cli("db", "start", env=env)
    assert start.returncode == 0
    assert "DATABASE_URL is set" in start.stdout
    assert run_cli("db", "url", env=env).stdout.strip() == env["DATABASE_URL"]
    assert not Path(private_env["PGCHATTER_DATA"]).exists()


def test_env_prints_libpq_variables(private_env):
    out = run_cli("db", "env", "--name", "other", env=private_env).stdout
    assert f"export PGHOST={private_env['PGCHATTER_DATA']}/run" in out
    assert "export PGPORT=54391" in out
    assert "export PGDATABASE=other" in out
