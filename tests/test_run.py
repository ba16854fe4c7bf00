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
from tests.servers import free_port


def get(url: str, token: str | None = None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


def test_run_serves_the_page_and_the_mailbox_then_stops(settings, tmp_path):
    name = f"pgchatter_run_{uuid.uuid4().hex[:8]}"
    port, smtp_port = free_port(), free_port()
    env = {**os.environ, "PGCHATTER_DB": name}
    extra = []
    if settings.database_url:   # an explicit server: point it at a scratch database of its own
        env["DATABASE_URL"] = database.database_url(settings, name)
        extra = ["--external"]
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
        # The real listener: a message on an order emails its followers into the mailbox.
        body = json.dumps({"body": "<p>Shipped <b>today</b><script>x()</script></p>", "model": "sale_orders",
                           "document": orders[0]["id"]}).encode()
        request = urllib.request.Request(f"{base}/api/send_message", data=body, method="POST", headers={
            "Authorization": f"Bearer {logins[0]['token']}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 201
        deadline = time.monotonic() + 30
        while True:   # the listener mails on its own schedule
            box = get(f"{base}/api/demo/mailbox")
            delivered = [m for m in box["mails"] if "Shipped today" in m["text"]]
            if delivered or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert box["listener"] is True
        assert "Shipped today." in {m["subject"]: m for m in box["mails"]}["Order S00012"]["text"]
        assert delivered, "the listener started by pgchatter run delivered the message's email"
        assert all("script" not in m["text"] for m in delivered)
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
