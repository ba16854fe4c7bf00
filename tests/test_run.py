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

import psycopg

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
         "--mailgate-port", str(free_port()), "--mailbox", str(tmp_path / "mailbox"), *extra],
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
        # The loop closes (SPEC 8a): the customer answers from the mailbox through the mail gateway, and the
        # answer is on the order as an Email message.
        body = json.dumps({"body": "<p>Your order ships Monday</p>", "model": "sale_orders", "send": True,
                           "document": orders[0]["id"]}).encode()
        request = urllib.request.Request(f"{base}/api/send_message", data=body, method="POST", headers={
            "Authorization": f"Bearer {logins[0]['token']}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 201
        deadline = time.monotonic() + 30
        while True:   # the customer's copy, its Reply-To the thread's token
            tokened = [m for m in get(f"{base}/api/demo/mailbox")["mails"]
                       if "ships Monday" in m["text"] and "+" in m["reply_to"]]
            if tokened or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        customer_mail = tokened[0]
        answer = json.dumps({"text": "Received, thank you!"}).encode()
        request = urllib.request.Request(f"{base}/api/demo/mailbox/{customer_mail['id']}/reply", data=answer,
                                         method="POST", headers={"Authorization": f"Bearer {logins[0]['token']}",
                                                                 "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert json.loads(reply.read())["code"] == 250
        deadline = time.monotonic() + 30
        while True:
            feed = get(f"{base}/api/records/sale_orders/{orders[0]['id']}/messages", logins[0]["token"])
            emails = [m for m in (feed if isinstance(feed, list) else feed.get("messages", []))
                      if m["message_type"] == "Email"]
            if emails or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert emails and "Received, thank you!" in emails[0]["body"]
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


def _run_cli(port: int, smtp_port: int, db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-u", "-m", "pgchatter", "run", "--port", str(port), "--smtp-port", str(smtp_port),
         "--mailgate-port", str(free_port())],
        check=False, cwd=PROJECT_ROOT, env={**os.environ, "PGCHATTER_DB": db}, capture_output=True, text=True,
        timeout=60)


def test_run_names_a_busy_port_in_one_line_and_starts_nothing(settings):
    """Another server on the page's port (even one answering /healthz, as a first `make run` does) or on
    the mailbox's: one line naming the port, no traceback, no banner, no database created."""
    import http.server
    import socket
    import threading

    class Healthy(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"status": "ok"}')

        def log_message(self, *args: object) -> None:
            pass

    if settings.database_url:
        return   # run refuses DATABASE_URL without --external before it looks at ports
    db = f"pgchatter_busy_{uuid.uuid4().hex[:8]}"
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Healthy)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        busy = _run_cli(other.server_port, free_port(), db)
    finally:
        other.shutdown()
        other.server_close()
    out = busy.stdout + busy.stderr
    assert busy.returncode == 2, out
    assert f"port {other.server_port} on 127.0.0.1" in out and "in use" in out and "--port" in out
    assert "Traceback" not in out and "is running" not in out and len(out.strip().splitlines()) == 1

    smtp = socket.socket()
    smtp.bind(("127.0.0.1", 0))
    smtp.listen()
    smtp_port = smtp.getsockname()[1]
    try:
        busy = _run_cli(free_port(), smtp_port, db)
    finally:
        smtp.close()
    out = busy.stdout + busy.stderr
    assert busy.returncode == 2, out
    assert f"port {smtp_port} on 127.0.0.1" in out and "SMTP" in out and "in use" in out and "--smtp-port" in out
    assert "Traceback" not in out and "OSError" not in out and len(out.strip().splitlines()) == 1
    with psycopg.connect(database.database_url(settings, "postgres"), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (db,)).fetchone()[0] == 0


def test_ctrl_c_while_starting_exits_0(settings):
    """Ctrl-C during the deploy (before the banner): a clean stop with status 0, no traceback."""
    if settings.database_url:
        return
    db = f"pgchatter_int_{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "pgchatter", "run", "--port", str(free_port()), "--smtp-port", str(free_port()),
         "--mailgate-port", str(free_port())],
        cwd=PROJECT_ROOT, env={**os.environ, "PGCHATTER_DB": db}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        lines = []
        while True:
            line = proc.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
            if line.lstrip().startswith("+ "):   # sqitch is deploying
                break
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=60)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
        database.drop_database(database.database_url(settings, db))
    assert proc.returncode == 0, "".join(lines) + rest
    assert "stopped" in rest and "Traceback" not in rest
