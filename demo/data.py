"""Demo data for `make run` and the browser tests: an application table `public.sale_orders` opted in,
contacts, four users with a bridge token each, tracked changes, messages, notes, followers, activities,
channels and direct messages. Demo data is not schema: it is applied by `pgchatter demo` / `pgchatter run`,
never by Sqitch.

`public.demo_logins` keeps each demo user's token in clear text so the page can offer "log in as";
the bridge serves it only in demo mode (CHATTER_DEMO=1). Never seed a production database."""

from __future__ import annotations

import psycopg

USERS = [  # username, name, email, notification
    ("alice", "Alice Martin", "alice@example.invalid", "email"),
    ("bob", "Bob Stone", "bob@example.invalid", "email"),
    ("carol", "Carol Diaz", "carol@example.invalid", "inbox"),
    ("dave", "Dave Okafor", "dave@example.invalid", "email"),
]
CUSTOMERS = [
    ("Azure Interior", "azure@example.invalid"), ("Deco Addict", "deco@example.invalid"),
    ("Gemini Furniture", "gemini@example.invalid"), ("Ready Mat", "readymat@example.invalid"),
    ("Lumber Inc", "lumber@example.invalid"),
]

SCHEMA = """
CREATE TYPE public.sale_order_state AS ENUM ('Quotation', 'Quotation Sent', 'Sales Order', 'Locked', 'Cancelled');
CREATE TABLE public.sale_orders (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           varchar(20) NOT NULL,
    customer_id    bigint REFERENCES chatter.contacts (id),
    salesperson_id bigint REFERENCES chatter.contacts (id),
    state          public.sale_order_state NOT NULL DEFAULT 'Quotation',
    amount_total   numeric(12, 2) NOT NULL DEFAULT 0,
    order_date     date NOT NULL DEFAULT current_date,
    email_from     varchar(200),
    notes          text
);
COMMENT ON TABLE public.sale_orders IS 'Demo: sales orders with a chatter (pgchatter demo)';
COMMENT ON COLUMN public.sale_orders.customer_id IS 'Customer';
COMMENT ON COLUMN public.sale_orders.state IS 'Status';
COMMENT ON COLUMN public.sale_orders.amount_total IS 'Total';
SELECT chatter.enable('public.sale_orders', contact_columns => '{customer_id,email_from}', label => 'name');
GRANT SELECT, UPDATE (customer_id, salesperson_id, state, amount_total, order_date, notes)
   ON public.sale_orders TO chatter_app;

CREATE TABLE public.demo_logins (
    user_id bigint PRIMARY KEY REFERENCES chatter.users (id) ON DELETE CASCADE,
    token   text NOT NULL
);
COMMENT ON TABLE public.demo_logins IS
    'Demo only: bearer tokens in clear text for the page''s user picker (served when CHATTER_DEMO=1)';
"""

ORDERS = [  # name, customer, salesperson (username), state, amount, days ago
    ("S00012", "Azure Interior", "alice", "Quotation", 1740.00, 6),
    ("S00013", "Deco Addict", "bob", "Quotation Sent", 2390.50, 5),
    ("S00014", "Gemini Furniture", "alice", "Sales Order", 9840.00, 4),
    ("S00015", "Ready Mat", "carol", "Quotation", 455.25, 3),
    ("S00016", "Lumber Inc", "bob", "Locked", 12500.00, 2),
    ("S00017", "Azure Interior", "dave", "Quotation", 610.00, 1),
]


# Mail to sales@<mail domain> opens a quotation (SPEC 8a, chatter.mail_aliases). The function runs as
# chatter_owner (the gateway's definer functions call it), which is granted just the INSERT it needs.
MAIL_ALIAS = """
CREATE OR REPLACE FUNCTION public.demo_order_from_mail(subject text, sender bigint) RETURNS bigint
LANGUAGE sql SET search_path = '' AS $$
    INSERT INTO public.sale_orders (name, customer_id, notes)
    VALUES ('S' || lpad((SELECT count(*) + 12 FROM public.sale_orders)::text, 5, '0'), sender, subject)
    RETURNING id
$$;
COMMENT ON FUNCTION public.demo_order_from_mail(text, bigint) IS
    'Demo: a mail to sales@ opens a quotation for its sender (chatter.mail_aliases)';
GRANT EXECUTE ON FUNCTION public.demo_order_from_mail(text, bigint) TO chatter_owner;
GRANT INSERT (name, customer_id, notes) ON public.sale_orders TO chatter_owner;
INSERT INTO chatter.mail_aliases (alias, model, create_function, description)
VALUES ('sales', 'sale_orders', 'public.demo_order_from_mail(text,bigint)', 'Demo: opens a quotation')
ON CONFLICT (alias) DO NOTHING;
"""


def mail_alias(url: str) -> None:
    """The demo's sales@ alias (idempotent: also for a demo seeded before the mail gateway existed)."""
    with psycopg.connect(url) as conn:
        if is_seeded(conn):
            conn.execute(MAIL_ALIAS)


def is_seeded(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT to_regclass('public.demo_logins') IS NOT NULL").fetchone()[0]


def _as(conn: psycopg.Connection, user_id: int | None) -> None:
    conn.execute("SELECT set_config('chatter.user_id', %s, true)", ("" if user_id is None else str(user_id),))


def seed(url: str) -> bool:
    """Seed the demo into a deployed database; returns False when it was already there."""
    with psycopg.connect(url) as conn:
        if is_seeded(conn):
            return False
        conn.execute(SCHEMA)
        contact: dict[str, int] = {}
        user: dict[str, int] = {}
        for username, name, email, notification in USERS:
            cid = conn.execute("INSERT INTO chatter.contacts (name, email) VALUES (%s, %s) RETURNING id",
                               (name, email)).fetchone()[0]
            uid = conn.execute("""INSERT INTO chatter.users (contact_id, username, notification)
                                  VALUES (%s, %s, %s) RETURNING id""", (cid, username, notification)).fetchone()[0]
            contact[username], user[username] = cid, uid
            token = conn.execute("SELECT chatter.token_create(%s, 'demo')", (username,)).fetchone()[0]
            conn.execute("INSERT INTO public.demo_logins VALUES (%s, %s)", (uid, token))
        for name, email in CUSTOMERS:
            contact[name] = conn.execute("INSERT INTO chatter.contacts (name, email) VALUES (%s, %s) RETURNING id",
                                         (name, email)).fetchone()[0]
        conn.commit()

        orders: list[int] = []
        for name, customer, sp, state, amount, days in ORDERS:
            _as(conn, user[sp])
            oid = conn.execute(
                """INSERT INTO public.sale_orders (name, customer_id, salesperson_id, amount_total, order_date)
                   VALUES (%s, %s, %s, %s, current_date - %s) RETURNING id""",
                (name, contact[customer], contact[sp], amount, days)).fetchone()[0]
            conn.execute("SELECT chatter.subscribe('sale_orders', %s, %s)", (oid, [contact[sp]]))
            conn.commit()
            if state != "Quotation":
                _as(conn, user[sp])
                conn.execute("UPDATE public.sale_orders SET state = 'Quotation Sent' WHERE id = %s", (oid,))
                conn.commit()
            if state in ("Sales Order", "Locked"):
                _as(conn, user[sp])
                conn.execute("UPDATE public.sale_orders SET state = %s WHERE id = %s", (state, oid))
                conn.commit()
            orders.append(oid)

        first, second, third = orders[0], orders[1], orders[2]
        say = [  # (order, author, kind, body)
            (first, "alice", "Message", "<p>Hello, here is the quotation for the two office desks.</p>"),
            (first, "bob", "Note", '<p>Customer asked for a discount, @alice can we do <b>5%</b>?</p>'),
            (first, "alice", "Note", "<p>OK for 5% if they confirm this week.</p>"),
            (second, "bob", "Message", "<p>Quotation sent, waiting for the signature.</p>"),
            (third, "alice", "Message", "<p>Delivery planned for Monday, @carol please prepare the invoice.</p>"),
        ]
        for order, author, kind, body in say:
            _as(conn, user[author])
            conn.execute("""SELECT chatter.create_message(body => %s, message_type => %s::chatter.message_type,
                                   model => 'sale_orders', document => %s)""", (body, kind, order))
            conn.commit()
        _as(conn, user["alice"])
        conn.execute("UPDATE public.sale_orders SET salesperson_id = %s, amount_total = 1653.00 WHERE id = %s",
                     (contact["bob"], first))
        conn.execute("SELECT chatter.subscribe('sale_orders', %s, %s)", (first, [contact["bob"], contact["carol"]]))
        att = conn.execute("SELECT chatter.add_attachment('quotation-S00012.txt', %s, 'text/plain', "
                           "'sale_orders', %s)", (b"2 x Office desk  1740.00\n", first)).fetchone()[0]
        conn.execute("""SELECT chatter.create_message(body => '<p>Signed quotation attached.</p>',
                               model => 'sale_orders', document => %s, attachments => %s)""", (first, [att]))
        conn.commit()

        acts = [  # (order, assignee, type, summary, days from today, by)
            (first, "bob", "activity_call", "Call back about the discount", -1, "alice"),
            (first, "alice", "activity_email", "Send the revised quotation", 0, "bob"),
            (second, "bob", "activity_todo", "Check the signature", 2, "alice"),
            (third, "carol", "activity_upload_document", "Upload the delivery note", 3, "alice"),
            (orders[3], "carol", "activity_meeting", "Showroom visit", 5, "dave"),
        ]
        for order, assignee, typ, summary, days, by in acts:
            _as(conn, user[by])
            conn.execute("SELECT chatter.schedule_activity('sale_orders', %s, %s, %s, %s, current_date + %s)",
                         (order, typ, user[assignee], summary, days))
            conn.commit()

        _as(conn, user["alice"])
        general = conn.execute("SELECT chatter.create_channel('general', 'Public', %s, %s, %s)",
                               (user["alice"], [user["bob"], user["carol"], user["dave"]],
                                "Company-wide announcements")).fetchone()[0]
        sales = conn.execute("SELECT chatter.create_channel('sales', 'Private', %s, %s, %s)",
                             (user["alice"], [user["bob"], user["carol"]], "The sales team")).fetchone()[0]
        conn.commit()
        _as(conn, user["dave"])
        conn.execute("SELECT chatter.create_channel('random', 'Public', %s, '{}', 'Anything goes')",
                     (user["dave"],))
        conn.commit()
        chat = [
            (general, "alice", "Welcome to pgchatter! This chat lives in PostgreSQL."),
            (general, "dave", "Coffee machine on the 2nd floor is fixed ☕"),
            (sales, "bob", "Deco Addict should sign S00013 today."),
            (sales, "alice", "Great, @bob ping me when it is in."),
        ]
        for channel, author, body in chat:
            _as(conn, user[author])
            conn.execute("SELECT chatter.channel_post(%s, %s, %s)", (channel, user[author], body))
            conn.commit()
        for a, b, lines in [("alice", "bob", ["Lunch at noon?", "Sure, see you there."]),
                            ("carol", "bob", ["The invoice for S00014 is ready."])]:
            _as(conn, user[a])
            dm = conn.execute("SELECT chatter.get_or_create_dm(%s, %s)", (user[a], user[b])).fetchone()[0]
            conn.commit()
            for i, line in enumerate(lines):
                who = a if i % 2 == 0 else b
                _as(conn, user[who])
                conn.execute("SELECT chatter.channel_post(%s, %s, %s)", (dm, user[who], line))
                conn.commit()
        # Spread the history over the last days so the feed reads like one (ids keep the order).
        conn.execute("""UPDATE chatter.messages AS m
                           SET created_at = now() - (x.n - x.rn) * interval '37 minutes'
                          FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS n
                                  FROM chatter.messages) AS x
                         WHERE x.id = m.id""")
        conn.execute("""UPDATE chatter.notifications AS n SET created_at = m.created_at
                          FROM chatter.messages AS m WHERE m.id = n.message_id""")
        conn.commit()
    mail_alias(url)
    return True


def logins(url: str) -> list[tuple[str, str, str]]:
    """(username, name, token) of every demo user."""
    with psycopg.connect(url) as conn:
        return conn.execute("""SELECT u.username, c.name, d.token FROM public.demo_logins AS d
                                 JOIN chatter.users AS u ON u.id = d.user_id
                                 JOIN chatter.contacts AS c ON c.id = u.contact_id ORDER BY u.id""").fetchall()
