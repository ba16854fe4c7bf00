"""Schemathesis against a real bridge process: generated requests for every operation of the OpenAPI
document; no 500s, and the answers match the documented status codes, content types and schemas."""

from __future__ import annotations

import os
import subprocess

from pgchatter.settings import PROJECT_ROOT
from tests.servers import Bridge

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_schemathesis_finds_no_server_error(bridge_db, tmp_path):
    bridge = Bridge(bridge_db.url)
    try:
        run = subprocess.run(
            [str(PROJECT_ROOT / ".venv" / "bin" / "st"), "run", f"{bridge.base}/openapi.json",
             "-H", f"Authorization: Bearer {bridge_db.tokens['alice']}", "--checks", CHECKS,
             "--max-examples", os.environ.get("BRIDGE_FUZZ_EXAMPLES", "8"), "--seed", "7",
             "--phases", "coverage,fuzzing", "--report-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path)
    finally:
        bridge.stop()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
