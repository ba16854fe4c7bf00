"""The Citus tooling: `make test-citus` claims nothing without Citus; `pgchatter citus` on real nodes.

The tests that start Citus nodes run only from `make test-citus` (PGCHATTER_CITUS_TESTS=1): the normal
suite never depends on Citus.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from pgchatter import citus
from pgchatter.settings import PROJECT_ROOT
from tests.conftest import run_cli


@pytest.fixture
def citus_env():
    # /tmp itself: the unprivileged cluster owner must reach the directory.
    root = Path(tempfile.mkdtemp(prefix="pgchatter-citus-", dir="/tmp"))
    root.chmod(0o755)
    env = {"PGCHATTER_CITUS_DATA": str(root / "citus"), "PGCHATTER_CITUS_PORT": "54351",
           "PGCHATTER_DB": "citus_cli_test", "DATABASE_URL": ""}
    yield env
    run_cli("citus", "down", env=env)
    shutil.rmtree(root, ignore_errors=True)


def test_test_citus_without_citus_says_so_in_one_line_and_claims_nothing():
    proc = subprocess.run(["scripts/citus-test"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          env={**os.environ, "CITUS_SO": "/nonexistent/citus.so"}, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout
    assert "not installed" in lines[0] and "nothing passed" in lines[0]
    assert "pass" not in lines[0].replace("nothing passed", "")


def test_citus_up_refuses_without_citus(citus_env, tmp_path):
    # A bin directory whose ../lib has no citus.so: the PostgreSQL binaries without the extension.
    fake_bin = tmp_path / "pg" / "bin"
    fake_bin.mkdir(parents=True)
    proc = run_cli("citus", "up", env={**citus_env, "PG_BINDIR": str(fake_bin)})
    assert proc.returncode == 1
    assert "Citus is not installed" in proc.stderr
    assert not Path(citus_env["PGCHATTER_CITUS_DATA"]).exists()


def test_citus_status_of_nothing(citus_env):
    proc = run_cli("citus", "status", env=citus_env)
    assert (proc.returncode, proc.stdout.strip()) == (3, "coordinator=absent worker1=absent worker2=absent")


@pytest.mark.skipif(os.environ.get("PGCHATTER_CITUS_TESTS") != "1" or not citus.installed(),
                    reason="starts Citus nodes: make test-citus only")
def test_citus_up_joins_two_workers_over_unix_sockets_then_reuses(citus_env):
    first = run_cli("citus", "up", env=citus_env)
    assert first.returncode == 0, first.stderr
    assert "worker1 joined" in first.stdout and "worker2 joined" in first.stdout
    second = run_cli("citus", "up", env=citus_env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("already up, reused")

    url = run_cli("citus", "url", env=citus_env).stdout.strip()
    with psycopg.connect(url) as conn:
        nodes = conn.execute("SELECT nodename, nodeport, groupid FROM pg_dist_node ORDER BY groupid").fetchall()
        assert [(port, group) for _, port, group in nodes] == [(54351, 0), (54352, 1), (54353, 2)]
        assert all(name.startswith(citus_env["PGCHATTER_CITUS_DATA"]) for name, _, _ in nodes)
        # Nothing on TCP, and the workers answer a distributed query.
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
        conn.execute("CREATE TABLE t (k int, v text)")
        conn.execute("SELECT create_distributed_table('t', 'k', shard_count => 4)")
        conn.execute("INSERT INTO t SELECT g, 'v' FROM generate_series(1, 100) g")
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (100,)
        placed = conn.execute("SELECT count(DISTINCT nodeport) FROM citus_shards WHERE table_name = 't'::regclass")
        assert placed.fetchone() == (2,)

    down = run_cli("citus", "down", env=citus_env)
    assert down.stdout.strip() == "coordinator stopped; worker1 stopped; worker2 stopped"
