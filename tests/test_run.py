"""`pgchatter run` (make run): the whole stack in the foreground, its mailbox, and a clean Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
import time
import urllib.request
import uuid

from pgchatter import database
from pgchatter.settings import PROJECT_ROOT
from tests.test_bridge_ws import free_port


def get(url: str, token: str | None = None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


def test_run_serves_the_page_and_the_mailbox_then_stops(settings, tmp_path):
    name = f"pgchatter_run_{uuid.uuid4().hex[:8]}"
    port, smtp_port = free_port(), free_port()
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "pgchatter", "run", "--port", str(port), "--smtp-port", str(smtp_port),
         "--mailbox", str(tmp_path / "mailbox")],
        cwd=PROJECT_ROOT, env={**os.environ, "PGCHATTER_DB": name}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        out = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in out and "alice" in out and "Bob Stone" in out
        base = f"http://127.0.0.1:{port}"
        logins = get(f"{base}/api/demo/logins")
        assert [u["username"] for u in logins] == ["alice", "bob", "carol", "dave"]
        orders = get(f"{base}/api/demo/orders", logins[0]["token"])["orders"]
        assert len(orders) == 6
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as smtp:
            smtp.sendmail("chatter@example.invalid", ["bob@example.invalid"],
                          "Subject: Order S00012\r\nFrom: chatter@example.invalid\r\nTo: bob@example.invalid\r\n"
                          "\r\nShipped today.\r\n")
        box = get(f"{base}/api/demo/mailbox", logins[0]["token"])
        assert box["mails"][0]["subject"] == "Order S00012" and "Shipped today." in box["mails"][0]["text"]
        assert box["listener"] is (importlib_listener())
    finally:
        proc.send_signal(signal.SIGINT)   # what Ctrl-C does
        try:
            rest = proc.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        database.drop_database(database.database_url(settings, name))
    assert proc.returncode == 0, rest
    assert "stopped" in rest
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
        raise AssertionError("the bridge is still running")
    except OSError:
        pass


def importlib_listener() -> bool:
    import importlib.util

    return importlib.util.find_spec("listener") is not None
