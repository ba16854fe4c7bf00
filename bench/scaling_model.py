"""Load model for docs/scaling.md: writes and fan-out per Citus node at 10k, 100k and 1M users.

A calculation, not a measurement: it multiplies stated per-user habits by the schema's write amplification
(rows and index entries per message, notification and outbox row), spreads each table over the nodes by its
distribution column, and compares the peak with what one node of the benchmark machine sustained.

    .venv/bin/python bench/scaling_model.py          # prints the markdown table quoted in docs/scaling.md
"""

from __future__ import annotations

from dataclasses import dataclass

# Habits of an ERP's users per working day (8 h; the peak hour carries PEAK times the mean rate).
CHAT_POSTS = 40            # channel and DM posts per user per day
RECORD_MESSAGES = 6        # messages and notes on records per user per day
TRACKED_UPDATES = 25       # tracked record changes per user per day (one Tracking message each)
FOLLOWERS = 6              # followers of a record (notified on messages, not on notes or tracking)
EXTERNAL_SHARE = 0.3       # share of a record's followers who are outside contacts (email)
PUSH_SHARE = 0.5           # share of notified users with a Web Push subscription
ONLINE_SHARE = 0.35        # share of users connected at peak (WebSocket)
CHANNEL_MEMBERS = 25       # mean members of a channel a post goes to (DMs: 2)
DM_SHARE = 0.5             # share of chat posts that are DMs
DAY_SECONDS = 8 * 3600
WORKING_DAYS = 250
PEAK = 4.0

# Write amplification (rows + index entries) measured from the schema.
MESSAGE_WRITES = 1 + 3     # heap row + pkey, record or channel index, author index
NOTIFICATION_WRITES = 1 + 3  # heap row + pkey, inbox index, unread partial index
OUTBOX_WRITES = 1 + 2      # heap row + pkey, claimable partial index (and its update on completion)

# What one node of the benchmark machine (2 cores) sustains, from make bench: create_message on a record
# with 20 followers ran ~400-700 transactions/s with 32 writers; call it 20k row writes/s of this shape.
NODE_ROW_WRITES_PER_S = 20_000


@dataclass
class Scale:
    users: int
    workers: int   # Citus worker nodes (the coordinator only routes)


SCALES = [Scale(10_000, 1), Scale(100_000, 4), Scale(1_000_000, 16)]


def per_second(per_user_per_day: float, users: int) -> float:
    return per_user_per_day * users / DAY_SECONDS * PEAK


def model(scale: Scale) -> dict[str, float]:
    u = scale.users
    chat = per_second(CHAT_POSTS, u)
    record = per_second(RECORD_MESSAGES, u)
    tracking = per_second(TRACKED_UPDATES, u)
    messages = chat + record + tracking
    internal_followers = FOLLOWERS * (1 - EXTERNAL_SHARE)
    notifications = record * internal_followers + chat * DM_SHARE          # inbox rows: record messages, DMs
    emails = record * FOLLOWERS * EXTERNAL_SHARE
    pushes = notifications * PUSH_SHARE
    outbox = emails + pushes
    members = DM_SHARE * 2 + (1 - DM_SHARE) * CHANNEL_MEMBERS
    frames = chat * members * ONLINE_SHARE + (record + tracking) * 2 * ONLINE_SHARE  # 2 viewers per record
    row_writes = messages * MESSAGE_WRITES + notifications * NOTIFICATION_WRITES + outbox * OUTBOX_WRITES * 2
    return {
        "messages/s": messages, "notifications/s": notifications, "emails/s": emails, "pushes/s": pushes,
        "ws frames/s": frames, "row writes/s": row_writes,
        "per worker": row_writes / scale.workers,
        "worker load": row_writes / scale.workers / NODE_ROW_WRITES_PER_S,
        "GB per worker per year": stored_bytes_per_year(scale) / scale.workers / 1e9,
    }


def stored_bytes_per_year(scale: Scale) -> float:
    """Messages and notifications kept for a year, with their index entries (bytes measured from the
    schema: a message row with its indexes ~700 B, a notification ~150 B)."""
    days = WORKING_DAYS
    messages = (CHAT_POSTS + RECORD_MESSAGES + TRACKED_UPDATES) * scale.users * days
    notifications = (RECORD_MESSAGES * FOLLOWERS * (1 - EXTERNAL_SHARE) + CHAT_POSTS * DM_SHARE) * scale.users * days
    return messages * 700 + notifications * 150


def table() -> str:
    lines = [("| users | workers | messages/s | notifications/s | emails/s | pushes/s | WebSocket frames/s "
              "| row writes/s (all) | per worker | share of one node's write capacity | stored per worker per year |"),
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for s in SCALES:
        m = model(s)
        lines.append(f"| {s.users:,} | {s.workers} | {m['messages/s']:,.0f} | {m['notifications/s']:,.0f} "
                     f"| {m['emails/s']:,.0f} | {m['pushes/s']:,.0f} | {m['ws frames/s']:,.0f} "
                     f"| {m['row writes/s']:,.0f} | {m['per worker']:,.0f} | {100 * m['worker load']:.0f}% "
                     f"| {m['GB per worker per year']:,.0f} GB |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
