"""Rights evaluated on the coordinator (sql/citus/reads.sql, docs/scaling.md class C): on a distributed
database, chatter_app reads what the policies let it read and nothing else, through the staged copies, and
every refused attempt stays refused: the definer parts called directly, a forged row, the shards read
directly. Runs only in `make test-citus` (PGCHATTER_TEST_CITUS: the distributed database of
tests/conftest.py's Citus mode); each statement of the set-up commits on its own (class B)."""

from __future__ import annotations

import psycopg
import pytest

from tests.conftest import CITUS_DB

pytestmark = pytest.mark.skipif(CITUS_DB is None, reason="a distributed database: make test-citus only")

SETUP = [
    ("INSERT INTO chatter.contacts (id, name, email) VALUES (9701, 'Alice', 'alice@rls.invalid'), "
     "(9702, 'Bob', 'bob@rls.invalid'), (9703, 'Carol', NULL)"),
    ("INSERT INTO chatter.users (id, contact_id, username) VALUES (771, 9701, 'alice'), (772, 9702, 'bob'), "
     "(773, 9703, 'carol')"),
    "CREATE TABLE public.deals (id int PRIMARY KEY, name text)",
    "CREATE TABLE public.payroll (id int PRIMARY KEY, name text)",
    "INSERT INTO public.deals VALUES (1, 'Big deal')",
    "INSERT INTO public.payroll VALUES (1, 'March payroll')",
    "SELECT chatter.enable('deals', track => false)",
    "SELECT chatter.enable('payroll', track => false)",
    "GRANT SELECT ON public.deals TO chatter_app",          # deals' chatter is readable, payroll's is not
]


def _as(conn: psycopg.Connection, user: int) -> None:
    conn.execute("SET ROLE chatter_app")
    conn.execute("SELECT set_config('chatter.user_id', %s, false)", (str(user),))


def _refused(conn: psycopg.Connection, query: str, params: tuple = ()) -> str:
    """The SQLSTATE of a refused statement (inside a savepoint, so the transaction goes on)."""
    with pytest.raises(psycopg.Error) as caught, conn.transaction():
        conn.execute(query, params)
    return caught.value.sqlstate or ""


@pytest.fixture
def seeded(deployed_db, connect):
    with connect(deployed_db) as admin:
        for statement in SETUP:
            admin.execute(statement)
        deal = admin.execute("SELECT chatter.create_message('deal news', model => 'deals', document => 1)").fetchone()[0]
        pay = admin.execute("SELECT chatter.create_message('salaries', model => 'payroll', document => 1, "
                            "contacts => '{9702}')").fetchone()[0]
        admin.execute("SELECT chatter.subscribe('payroll', 1, '{9703}')")
        admin.execute("SELECT chatter.subscribe('deals', 1, '{9703}')")
        private = admin.execute("SELECT chatter.create_channel('secret', 'Private', 772, '{773}')").fetchone()[0]
    return deployed_db, deal, pay, private


def test_reads_on_the_coordinator_return_what_the_policies_allow(seeded, connect):
    db, deal, pay, private = seeded
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        feed = conn.execute("SELECT id FROM chatter.record_feed('deals', 1)").fetchall()
        assert feed == [(deal,)]
        assert _refused(conn, "SELECT * FROM chatter.record_feed('payroll', 1)") == "CH003"
        got = conn.execute("SELECT id FROM chatter_citus.messages_by_id(%s)", ([deal, pay],)).fetchall()
        assert got == [(deal,)], "a message of an unreadable record is not returned"
        wire = conn.execute("SELECT chatter.message_wire(m) ->> 'body' FROM chatter_citus.messages_by_id(%s) AS m",
                            ([deal],)).fetchone()
        assert wire == ("deal news",)
        followers = conn.execute("SELECT id FROM chatter.record_followers('deals', 1)").fetchall()
        assert followers == [(9703,)]
        assert _refused(conn, "SELECT * FROM chatter.record_followers('payroll', 1)") == "CH003"
        assert conn.execute("SELECT chatter_citus.members_of(%s)", (private,)).fetchall() == []


def test_refused_attempts_stay_refused(seeded, connect):
    db, deal, pay, private = seeded
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        # The shards' own policies still refuse a direct read (nested query on a worker): never widened.
        _refused(conn, "SELECT id FROM chatter.messages")
        # A forged row names the message; its stored row decides, under the policy: nothing.
        forged = conn.execute("SELECT chatter.message_wire(jsonb_populate_record(NULL::chatter.messages, %s))",
                              (f'{{"id": {pay}}}',)).fetchone()
        assert forged == (None,)
        # The definer parts called directly copy rows that the caller then may not read.
        conn.execute("SELECT chatter_citus.stage(%s, true)", ([deal, pay],))
        assert conn.execute("SELECT id FROM chatter_citus.messages").fetchall() == [(deal,)]
        conn.execute("SELECT chatter_citus.stage_followers('payroll', 1)")
        assert conn.execute("SELECT id FROM chatter_citus.followers").fetchall() == []
        conn.execute("SELECT chatter_citus.stage_recipients(%s)", (pay,))
        assert conn.execute("SELECT contact_id FROM chatter_citus.message_recipients").fetchall() == []
        conn.execute("SELECT chatter_citus.stage_members(%s, NULL)", (private,))
        assert conn.execute("SELECT user_id FROM chatter_citus.channel_members").fetchall() == []
        # Bob was notified of the payroll message, alice stages his notifications: she reads none of them.
        conn.execute("SELECT chatter_citus.stage_notifications(772, false, NULL, 50)")
        assert conn.execute("SELECT id FROM chatter_citus.notifications").fetchall() == []
        # Activities: the insert as the caller is checked first, the definer part wants a voucher.
        assert _refused(conn, "SELECT chatter.schedule_activity('payroll', 1, 'activity_todo', 771, 'x')") == "CH003"
        assert _refused(conn, "SELECT chatter_citus.add_activity('x', NULL, current_date, "
                              "(SELECT id FROM chatter.activity_types LIMIT 1), 'payroll', 1, 771)") == "CH003"
        assert conn.execute("SELECT chatter.schedule_activity('deals', 1, 'activity_todo', 771, 'ok')").fetchone()[0]
    with connect(db) as conn, conn.transaction():
        _as(conn, 772)
        # Bob's own inbox: his notification of a payroll message he may not read is not listed (as on one node).
        assert conn.execute("SELECT message_id FROM chatter_citus.inbox(NULL, 50, false)").fetchall() == []
        assert conn.execute("SELECT chatter.inbox_count()").fetchone() == (0,)
    with connect(db) as conn, conn.transaction():    # a reference table's write: not after a parallel read
        _as(conn, 772)
        conn.execute("SELECT chatter_citus.set_notification('none')")
    with connect(db) as admin:
        rows = admin.execute("SELECT id, notification FROM chatter.users WHERE id IN (771, 772) ORDER BY id").fetchall()
        assert rows[1] == (772, "none") and rows[0][1] != "none", "one's own row only"


def test_socket_catch_up_reads_only_what_the_policies_allow(seeded, connect):
    """bridge/ws.py's catch-up on Citus (chatter_citus.socket_messages, socket_changed, notifications_after):
    a watched readable record's messages come, an unreadable record's and a private channel's do not, even
    when asked for by id or staged directly."""
    db, deal, pay, private = seeded
    with connect(db) as admin:
        secret = admin.execute("SELECT chatter.channel_post(%s, 772, 'for bob and carol')", (private,)).fetchone()[0]
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        got = conn.execute("SELECT id, message ->> 'body', missed FROM chatter_citus.socket_messages(0, %s, %s, 200, %s)",
                           (["deals", "payroll"], [1, 1], 1 << 19)).fetchall()
        assert [row[0] for row in got] == [deal], "the payroll message and the private channel's are left out"
        assert got[0][1] == "deal news" and got[0][2] == 1
        changed = conn.execute("SELECT id FROM chatter_citus.socket_changed(%s, %s, %s, %s)",
                               ([deal, pay, secret], ["deals", "payroll"], [1, 1], secret)).fetchall()
        assert changed == [(deal,)]
        # The definer part called directly: candidates staged, none of them readable but the deal's.
        conn.execute("SELECT chatter_citus.stage_socket(0, NULL, NULL, %s, %s, 200)", (["payroll"], [1]))
        conn.execute("SELECT chatter_citus.stage_socket(NULL, %s, %s, '{}', '{}', 0)", (secret, [pay, secret]))
        assert conn.execute("SELECT id FROM chatter_citus.messages WHERE id IN (%s, %s)", (pay, secret)).fetchall() == []
        # Another user's notifications: none (Bob's of the payroll message, of the private channel).
        assert conn.execute("SELECT * FROM chatter_citus.notifications_after(0, 1000)").fetchall() == []
        conn.execute("SELECT chatter_citus.stage_notifications_after(0, 1000)")
        assert conn.execute("SELECT id FROM chatter_citus.notifications WHERE user_id <> 771").fetchall() == []
    with connect(db) as conn, conn.transaction():
        _as(conn, 773)    # Carol, a member of the private channel: its message comes
        got = conn.execute("SELECT id FROM chatter_citus.socket_messages(0, '{}', '{}', 200, %s)", (1 << 19,)).fetchall()
        assert got == [(secret,)]


def test_wire_parts_show_only_what_the_policies_allow(seeded, connect):
    """The wire shape's parts (sql/deploy/message_wire_parts.sql) and message_wire_set on Citus
    (sql/citus/reads.sql): a readable message's files, reactions, bounces and the message as a parent come
    back; an unreadable one's are empty, its parent view NULL, its set form NULL. The system reads as deployed."""
    db, deal, pay, _private = seeded
    with connect(db) as admin:
        for message, name in ((deal, "deal.pdf"), (pay, "pay.pdf")):
            model = "deals" if message == deal else "payroll"
            file = admin.execute("SELECT chatter.add_attachment(%s, '\\x01', model => %s, document => 1)",
                                 (name, model)).fetchone()[0]
            admin.execute("INSERT INTO chatter.message_attachments (message_id, attachment_id) VALUES (%s, %s)",
                          (message, file))
            # The reactions' wake-up trigger runs on the shard, where chatter.message_events is not (reacting on
            # Citus is not covered yet, docs/scaling.md): the row is written without it, as a replica would.
            with admin.transaction():
                admin.execute("SET LOCAL citus.propagate_set_commands = 'local'")
                admin.execute("SET LOCAL session_replication_role = replica")
                admin.execute("INSERT INTO chatter.reactions (message_id, contact_id, emoji) VALUES (%s, 9703, '👍')",
                              (message,))
            admin.execute("INSERT INTO chatter.message_bounces (message_id, contact_id) VALUES (%s, 9703)", (message,))
        system = admin.execute("SELECT chatter._wire_attachments(%s) -> 0 ->> 'name', chatter._wire_parent(%s) ->> 'id'",
                               (pay, pay)).fetchone()
        assert system == ("pay.pdf", str(pay)), "the system (no row-level security) reads as deployed"
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        parts = ("SELECT chatter._wire_attachments(%s) -> 0 ->> 'name', chatter._wire_reactions(%s) -> 0 ->> 'count', "
                 "chatter._wire_bounced(%s) -> 0 ->> 'contact_id', chatter._wire_parent(%s) ->> 'excerpt'")
        assert conn.execute(parts, (deal,) * 4).fetchone() == ("deal.pdf", "1", "9703", "deal news")
        assert conn.execute(parts, (pay,) * 4).fetchone() == (None, None, None, None)
        assert conn.execute("SELECT chatter._wire_attachments(%s), chatter._wire_reactions(%s), chatter._wire_bounced(%s)",
                            (pay,) * 3).fetchone() == ([], [], [])
        same = conn.execute("SELECT w.message = chatter.message_wire(m) FROM chatter_citus.messages_by_id(%s) AS m, "
                            "chatter.message_wire_set(m) AS w", ([deal],)).fetchall()
        assert same == [(True,)]
        forged = conn.execute("SELECT w.message FROM chatter.message_wire_set(jsonb_populate_record(NULL::chatter.messages, "
                              "%s)) AS w", (f'{{"id": {pay}}}',)).fetchall()
        assert forged == [(None,)]


def test_a_reply_shows_its_parent_only_if_the_caller_may_read_it(seeded, connect):
    """The wire form's `parent` on Citus (sql/citus/reads.sql, chatter_citus.caller_parent): the staged wire
    form is computed as chatter_owner, so its parent (author, excerpt) must be read again as the caller. A
    readable reply to a message the caller may not read shows no parent, through message_wire, its set form
    and the socket's catch-up of changed messages; a reply to a readable one shows it; the system sees both."""
    db, deal, pay, _private = seeded
    with connect(db) as admin:
        hidden = admin.execute("SELECT chatter.create_message('re: salaries', model => 'deals', document => 1, "
                               "parent => %s)", (pay,)).fetchone()[0]
        shown = admin.execute("SELECT chatter.create_message('re: deal', model => 'deals', document => 1, "
                              "parent => %s)", (deal,)).fetchone()[0]
        system = admin.execute("SELECT chatter.message_wire(m) -> 'parent' ->> 'excerpt' "
                               "FROM chatter_citus.messages_by_id(%s) AS m", ([hidden],)).fetchone()[0]
        assert system == "salaries", "the system (no row-level security) reads the parent as deployed"
    with connect(db) as conn, conn.transaction():
        _as(conn, 771)
        wire = ("SELECT chatter.message_wire(m) -> 'parent', (chatter.message_wire(m) ? 'parent') "
                "FROM chatter_citus.messages_by_id(%s) AS m")
        assert conn.execute(wire, ([hidden],)).fetchone() == (None, True), "the key stays, its value JSON null"
        assert conn.execute(wire, ([shown],)).fetchone()[0]["excerpt"] == "deal news"
        assert conn.execute("SELECT w.message -> 'parent' FROM chatter_citus.messages_by_id(%s) AS m, "
                            "chatter.message_wire_set(m) AS w", ([hidden],)).fetchone() == (None,)
        changed = conn.execute("SELECT id, message -> 'parent' ->> 'excerpt' FROM chatter_citus.socket_changed(%s, "
                               "'{deals}', '{1}', %s) ORDER BY id", ([hidden, shown], shown)).fetchall()
        assert changed == [(hidden, None), (shown, "deal news")]
        page = {r[0]: r[1:] for r in conn.execute(
            "SELECT id, message ->> 'body', message -> 'parent' ->> 'excerpt' "
            "FROM chatter_citus.socket_messages(0, '{deals}', '{1}', 200, %s)", (1 << 20,))}
        assert page == {deal: ("deal news", None), hidden: ("re: salaries", None), shown: ("re: deal", "deal news")}
