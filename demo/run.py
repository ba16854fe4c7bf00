"""`pgchatter run` (what `make run` calls): the whole stack on one machine, in the foreground.

Deploys, seeds the demo (once), starts a local SMTP "mailbox" (aiosmtpd, mails kept under
.data/mailbox), the delivery listener and the mail gateway (`pgchatter mailgate`, replies by email)
when the `listener` package is installed, and the bridge in demo mode; prints the URL and the demo users. Ctrl-C (or SIGTERM) stops everything it started.

Seam for the listener: it is started as `python -m listener` with CHATTER_SMTP_URL pointing at the
mailbox; nothing else here knows about it.

Start-up and Ctrl-C: both ports are checked before anything starts (a busy one is named in one line); the
bridge serves a socket this process bound (uvicorn --fd), so the banner is printed only once *this*
bridge answers, never because another server holds the port; the children run in their own process
group, so Ctrl-C reaches this process alone, which stops them and exits 0."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from demo import data, mailbox
from pgchatter import database
from pgchatter.settings import PROJECT_ROOT, Settings


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def _bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (OSError when the port is taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def _busy(what: str, host: str, port: int, option: str) -> str:
    return (f"pgchatter: port {port} on {host} ({what}) is in use, maybe by another `make run`: stop it, "
            f"or pick another port with {option}")


def _vapid_env() -> dict[str, str]:
    """VAPID keys for Web Push (made once, in .data/vapid): the listener signs with the private one, the
    page subscribes browsers with the public one. An explicitly configured key is left as it is."""
    from listener import vapid as vapid_keys
    from listener.config import DEFAULT_VAPID_KEY

    if os.environ.get("CHATTER_VAPID_PRIVATE_KEY"):
        key = vapid_keys.load(os.environ["CHATTER_VAPID_PRIVATE_KEY"])
    elif DEFAULT_VAPID_KEY.exists():
        key = vapid_keys.load(str(DEFAULT_VAPID_KEY))
    else:
        _, key = vapid_keys.generate(DEFAULT_VAPID_KEY.parent)
    return {"CHATTER_VAPID_PUBLIC_KEY": vapid_keys.application_server_key(key)}


def run(settings: Settings, *, host: str, port: int, smtp_port: int, fresh: bool,
        mailbox_dir: Path | None = None, external: bool = False, mailgate_port: int = 2525) -> int:
    # A process started in the background by a non-interactive shell inherits SIGINT ignored, and Python
    # then leaves it ignored: Ctrl-C (or the SIGINT a supervisor sends) must stop the stack all the same.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return _run(settings, host=host, port=port, smtp_port=smtp_port, fresh=fresh, mailbox_dir=mailbox_dir,
                    external=external, mailgate_port=mailgate_port)
    except KeyboardInterrupt:   # Ctrl-C before the stack was up (deploying, seeding): nothing left running
        print("\nstopped")
        return 0


def _run(settings: Settings, *, host: str, port: int, smtp_port: int, fresh: bool,
         mailbox_dir: Path | None, external: bool, mailgate_port: int) -> int:
    if settings.database_url is not None and not external:
        print("pgchatter: DATABASE_URL is set; run seeds demo data and hands out tokens, so it uses the private "
              "cluster only. Unset DATABASE_URL, or pass --external to use that server anyway.", file=sys.stderr)
        return 2
    try:
        listening = _bind(host, port)
    except OSError:
        print(_busy("the web page and API", host, port, "--port"), file=sys.stderr)
        return 2
    try:
        _bind("127.0.0.1", smtp_port).close()
    except OSError:
        listening.close()
        print(_busy("the demo mailbox's SMTP server", "127.0.0.1", smtp_port, "--smtp-port"), file=sys.stderr)
        return 2
    try:
        _bind("127.0.0.1", mailgate_port).close()
    except OSError:
        listening.close()
        print(_busy("the mail gateway's SMTP server", "127.0.0.1", mailgate_port, "--mailgate-port"), file=sys.stderr)
        return 2
    try:
        return _stack(settings, listening, host=host, port=port, smtp_port=smtp_port, fresh=fresh,
                      mailbox_dir=mailbox_dir, mailgate_port=mailgate_port)
    finally:
        listening.close()


def _stack(settings: Settings, listening: socket.socket, *, host: str, port: int, smtp_port: int, fresh: bool,
           mailbox_dir: Path | None, mailgate_port: int) -> int:
    database.ensure_server(settings)
    url = database.database_url(settings)
    database.create_database(url, fresh=fresh)
    if database.sqitch(url, "deploy", "--verify") != 0:
        return 1
    if data.seed(url):
        print("demo data seeded")
    data.mail_alias(url)
    box = (mailbox_dir or settings.data_dir.parent / "mailbox").resolve()
    try:
        smtp = mailbox.start(box, port=smtp_port)
    except OSError:   # taken since the check above
        print(_busy("the demo mailbox's SMTP server", "127.0.0.1", smtp_port, "--smtp-port"), file=sys.stderr)
        return 2
    env = {**os.environ, "DATABASE_URL": url, "CHATTER_DEMO": "1", "CHATTER_DEMO_MAILBOX": str(box),
           "CHATTER_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"}
    procs: dict[str, subprocess.Popen[bytes]] = {}
    if importlib.util.find_spec("listener") is not None:
        env["CHATTER_DEMO_LISTENER"] = "1"
        env.update(_vapid_env())
        procs["listener"] = subprocess.Popen([sys.executable, "-m", "listener"], cwd=PROJECT_ROOT, env=env,
                                             process_group=0)
        # Replies to the listener's emails (the mailbox's Reply button) come back through the gateway.
        env["CHATTER_MAILGATE"] = env["CHATTER_DEMO_MAILGATE"] = f"127.0.0.1:{mailgate_port}"
        procs["mail gateway"] = subprocess.Popen([sys.executable, "-m", "pgchatter", "mailgate"], cwd=PROJECT_ROOT,
                                                 env=env, process_group=0)
    # The bridge serves the socket bound above (--fd): the port is ours from the check to the end.
    fd = listening.fileno()
    procs["bridge"] = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "demo.app:app", "--fd", str(fd),
         "--log-level", "warning", "--ws-per-message-deflate", "false"], cwd=PROJECT_ROOT, env=env,
        pass_fds=(fd,), process_group=0)
    listening.close()
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        if not _wait_healthy(f"http://{host}:{port}/healthz", procs["bridge"]):
            print("pgchatter: the bridge did not come up", file=sys.stderr)
            return 1
        print(f"\npgchatter is running: http://{host}:{port}/   (API docs: http://{host}:{port}/docs)")
        print("demo users (pick one on the page; open a second browser window as another):")
        for username, name, _token in data.logins(url):
            print(f"  {username:8} {name}")
        print(f"mailbox: SMTP on 127.0.0.1:{smtp_port}, mails in {box}"
              + ("" if "listener" in procs else " (no listener installed: nothing is emailed)"))
        if "mail gateway" in procs:
            print(f"mail gateway: SMTP on 127.0.0.1:{mailgate_port} (the mailbox's Reply answers through it; "
                  "mail to sales@ opens a quotation)")
        print("Ctrl-C stops everything.")
        while not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    print(f"pgchatter: the {name} exited ({proc.returncode}); stopping", file=sys.stderr)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # a second Ctrl-C does not interrupt the clean-up
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        smtp.stop()
        print("\nstopped (the private cluster keeps running: pgchatter db stop)")
        signal.signal(signal.SIGINT, signal.default_int_handler)
    return 0
