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


# Stands in for the delivery listener while it is not on this branch: `pgchatter run` starts
# `python -m listener` with CHATTER_SMTP_URL pointing at its mailbox; this one mails once, then waits.
FAKE_LISTENER = """
import os, signal, smtplib, sys, time, urllib.parse
url = urllib.parse.urlsplit(os.environ["CHATTER_SMTP_URL"])
assert os.environ["DATABASE_URL"]
with smtplib.SMTP(url.hostname, url.port, timeout=5) as smtp:
    smtp.sendmail("chatter@example.invalid", ["carol@example.invalid"],
                  "Subject: From the listener\\r\\nTo: carol@example.invalid\\r\\n\\r\\nHello Carol.\\r\\n")
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(1)
"""


def test_run_serves_the_page_and_the_mailbox_then_stops(settings, tmp_path):
    name = f"pgchatter_run_{uuid.uuid4().hex[:8]}"
    port, smtp_port = free_port(), free_port()
    env = {**os.environ, "PGCHATTER_DB": name}
    extra = []
    if settings.database_url:   # an explicit server: point it at a scratch database of its own
        env["DATABASE_URL"] = database.database_url(settings, name)
        extra = ["--external"]
    fake = not importlib_listener()
    if fake:
        (tmp_path / "fake" / "listener").mkdir(parents=True)
        (tmp_path / "fake" / "listener" / "__init__.py").write_text("")
        (tmp_path / "fake" / "listener" / "__main__.py").write_text(FAKE_LISTENER)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path / "fake"), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "pgchatter", "run", "--port", str(port), "--smtp-port", str(smtp_port),
         "--mailbox", str(tmp_path / "mailbox"), *extra],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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
        deadline = time.monotonic() + 15
        while True:   # the listener mails on its own schedule
            box = get(f"{base}/api/demo/mailbox")
            mails = {m["subject"]: m for m in box["mails"]}
            if not fake or "From the listener" in mails or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert box["listener"] is True
        assert "Shipped today." in mails["Order S00012"]["text"]
        if fake:
            assert mails["From the listener"]["to"] == "carol@example.invalid"
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
