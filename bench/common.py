"""What every benchmark does: a freshly deployed database, and pgbench throughput."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pgchatter import database
from pgchatter.settings import Settings


def fresh_database(name: str) -> str:
    """Drop, create and deploy database `name` (private cluster or DATABASE_URL's server); its URL."""
    settings = Settings.from_env()
    database.ensure_server(settings)
    url = database.database_url(settings, name)
    database.create_database(url, fresh=True)
    if database.sqitch(url, "--quiet", "deploy", "--verify") != 0:
        raise SystemExit("deploy failed")
    return url


def pgbench_tps(url: str, script: str, *, clients: int = 1, seconds: int = 10, options: str = "",
                protocol: str = "simple") -> float:
    """Transactions per second of `script` run by pgbench for `seconds` (PGOPTIONS = options; protocol
    "prepared" parses and plans each statement once per connection instead of in every transaction)."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    env = {**os.environ, **database.libpq_env(url), "PGOPTIONS": options}
    try:
        out = subprocess.run(
            ["pgbench", "-n", "-M", protocol, "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds),
             "-f", f.name],
            capture_output=True, text=True, env=env, check=True).stdout
    finally:
        os.unlink(f.name)
    return float(next(line for line in out.splitlines() if line.startswith("tps")).split()[2])


RESULTS_DIR = Path(__file__).resolve().parent.parent / ".data" / "bench"


def record(bench: str, rows: list[dict]) -> None:
    """Keep one benchmark's target rows for bench/report.py (make bench's table and plot). Each row:
    what, value, unit, target (number or None), better ("lower" or "higher"). Replaces that benchmark's
    previous results."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{bench}.json").write_text(json.dumps({
        "bench": bench, "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}", "rows": rows}, indent=1))
