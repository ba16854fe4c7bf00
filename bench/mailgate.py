"""Benchmark: replies received by `pgchatter mailgate` over SMTP (SPEC section 10): stored as Email messages
with their notifications, none lost. Target: >= 200 replies/s.

One gateway process (`pgchatter mailgate`, its SMTP server and its worker) on a free port; CLIENTS SMTP
sessions send REPLIES replies between them, each a customer's answer to a notification email, addressed
to that email's tokened Reply-To (routing by token, the common case): CUSTOMERS deals, each with FOLLOWERS
followers (each gets a notification and an email job) and its customer, who answers on it. The rate is REPLIES / (the last one posted - the
first one sent), taken from the wall clock; the 250 rate (stored, before processing) is reported beside it.

    .venv/bin/python bench/mailgate.py     # BENCH_MAILGATE_REPLIES to resize (default 2,000)
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import aiosmtplib
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, record
from pgchatter.settings import PROJECT_ROOT

DB_NAME = "pgchatter_bench_mailgate"
REPLIES = int(os.environ.get("BENCH_MAILGATE_REPLIES", "2000"))
CUSTOMERS = 200
FOLLOWERS = 20
CLIENTS = 8
DOMAIN = "mail.bench"


def setup(url: str) -> list[tuple[str, str]]:
    """CUSTOMERS deals, each followed by the same FOLLOWERS users, each emailed to its customer;
    (customer address, the Reply-To of that email)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"""
            INSERT INTO chatter.contacts (id, name, email) VALUES (1, 'Alice Seller', 'alice@seller.bench');
            INSERT INTO chatter.contacts (id, name, email)
                SELECT 100 + g, 'Follower ' || g, 'follower' || g || '@seller.bench' FROM generate_series(1, {FOLLOWERS}) g;
            INSERT INTO chatter.users (id, contact_id, username)
                SELECT 100 + g, 100 + g, 'follower' || g FROM generate_series(1, {FOLLOWERS}) g;
            INSERT INTO chatter.contacts (id, name, email)
                SELECT 1000 + g, 'Customer ' || g, 'customer' || g || '@customer.bench' FROM generate_series(1, {CUSTOMERS}) g;
            CREATE TABLE public.deals (id int PRIMARY KEY, name text, customer_id bigint REFERENCES chatter.contacts (id));
            INSERT INTO public.deals SELECT g, 'Deal ' || g, 1000 + g FROM generate_series(1, {CUSTOMERS}) g;
            SELECT chatter.enable('deals', track => false, contact_columns => '{{customer_id}}');
        """)
        for deal in range(1, CUSTOMERS + 1):
            conn.execute(f"SELECT chatter.subscribe('deals', %s, ARRAY(SELECT 100 + g FROM generate_series(1, {FOLLOWERS}) g)::bigint[])",
                         (deal,))
        return conn.execute("""
            SELECT c.email, chatter.mail_reply_to(
                       chatter.create_message('<p>Your quote</p>', author => 1, model => 'deals', document => d.id,
                                              send => true), c.id, %s)
              FROM public.deals d JOIN chatter.contacts c ON c.id = d.customer_id ORDER BY d.id""", (DOMAIN,)).fetchall()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backends_cpu(database: str) -> float:
    """CPU time of the PostgreSQL backends serving `database` (their titles name it)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                title = (proc / "cmdline").read_bytes()
                if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
                    total += cpu_seconds(int(proc.name))
            except OSError:
                continue
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reply(i: int, sender: str, reply_to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Customer <{sender}>"
    msg["To"] = reply_to
    msg["Subject"] = f"Re: Big deal ({i})"
    msg["Message-ID"] = make_msgid(idstring=str(i), domain="customer.bench")
    msg.set_content(f"Answer {i}: yes, go ahead.\n\nOn Monday, Alice Seller wrote:\n> Your quote\n")
    msg.add_alternative(f"<p>Answer {i}: yes, <b>go ahead</b>.</p><blockquote type=\"cite\">Your quote</blockquote>",
                        subtype="html")
    return msg


async def send_all(port: int, mails: list[EmailMessage]) -> float:
    """Send every mail over CLIENTS sessions; seconds until the last 250."""
    queue: asyncio.Queue[EmailMessage] = asyncio.Queue()
    for m in mails:
        queue.put_nowait(m)

    async def client() -> None:
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=60) as smtp:
            while not queue.empty():
                m = queue.get_nowait()
                await smtp.send_message(m)

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return time.perf_counter() - start


def main() -> None:
    url = fresh_database(DB_NAME)
    customers = setup(url)
    mails = [reply(i, *customers[i % len(customers)]) for i in range(REPLIES)]
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "CHATTER_MAILGATE": f"127.0.0.1:{port}",
           "CHATTER_MAIL_DOMAIN": DOMAIN,
           # Each customer sends REPLIES / CUSTOMERS mails within the run: above the default flood limit.
           "CHATTER_MAILGATE_RATE": str(REPLIES)}
    proc = subprocess.Popen([sys.executable, "-m", "pgchatter", "mailgate"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("the gateway did not start")
            time.sleep(0.1)
        gate_cpu, db_cpu = cpu_seconds(proc.pid), backends_cpu(DB_NAME)
        start = time.perf_counter()
        sending = asyncio.run(send_all(port, mails))
        with psycopg.connect(url, autocommit=True) as conn:
            deadline = time.monotonic() + 600
            while conn.execute("SELECT count(*) FROM chatter.inbound_mails WHERE status <> 'done'").fetchone()[0]:
                if time.monotonic() > deadline:
                    raise SystemExit("the gateway did not post everything in 10 minutes")
                time.sleep(0.05)
            total = time.perf_counter() - start
            gate_cpu, db_cpu = cpu_seconds(proc.pid) - gate_cpu, backends_cpu(DB_NAME) - db_cpu
            posted, notified, dead = conn.execute("""
                SELECT (SELECT count(*) FROM chatter.messages WHERE message_type = 'Email'),
                       (SELECT count(*) FROM chatter.notifications n JOIN chatter.messages m ON m.id = n.message_id
                         WHERE m.message_type = 'Email'),
                       (SELECT count(*) FROM chatter.mailgate_dead_letters)""").fetchone()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    expected_notified = REPLIES * (FOLLOWERS + 1)   # the followers and Alice, who wrote the first message
    lost = REPLIES - posted
    rate, stored = REPLIES / total, REPLIES / sending
    print(f"{REPLIES} replies over SMTP ({CLIENTS} sessions) to {CUSTOMERS} records with {FOLLOWERS} followers each:")
    print(f"  stored (250)                       {stored:8.0f} /s")
    print(f"  stored as messages with notifications {rate:5.0f} /s   (target >= 200/s)")
    print(f"  posted {posted}, notifications {notified} (expected {expected_notified}), lost {lost}, dead {dead}")
    # CPU per reply, which other load on the machine does not change: what 2 free cores would allow.
    print(f"  CPU per reply: gateway {gate_cpu / REPLIES * 1000:.2f} ms, PostgreSQL {db_cpu / REPLIES * 1000:.2f} ms "
          f"-> at most {min(1 / (gate_cpu / REPLIES), 2 / ((gate_cpu + db_cpu) / REPLIES)):.0f}/s on 2 free cores")
    if lost or dead or notified != expected_notified:
        raise SystemExit("replies were lost")
    capacity = min(1 / (gate_cpu / REPLIES), 2 / ((gate_cpu + db_cpu) / REPLIES))
    record("mailgate", [
        {"what": "replies received by pgchatter mailgate over SMTP, stored as messages with notifications",
         "value": round(rate), "unit": "/s", "target": 200, "better": "higher"},
        {"what": "mailgate: replies lost", "value": lost, "unit": "", "target": 0, "better": "lower"},
        {"what": "mailgate: CPU bound on 2 free cores (gateway and PostgreSQL CPU per reply)",
         "value": round(capacity), "unit": "/s", "target": None, "better": "higher"},
    ])


if __name__ == "__main__":
    main()
