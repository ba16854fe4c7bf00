"""Every SQL statement the listener sends: the rules themselves are SQL functions (sql/deploy)."""

from __future__ import annotations

WAKE_CHANNEL = "chatter_outbox"

# Claims a batch (FOR UPDATE SKIP LOCKED, lease takeover, dead letters) and renders each job.
CLAIM = """
SELECT job, kind, attempts, message_id, email, push
  FROM chatter.delivery_claim($1, $2, make_interval(secs => $3), $4, $5::text[], $6)
"""

ATTACHMENTS = "SELECT id, content FROM chatter.attachments WHERE id = ANY ($1::bigint[])"

# The text/plain part of email bodies: chatter.html_text, the one HTML-to-text rule (the preview's too).
TEXTS = "SELECT array_agg(chatter.html_text(h) ORDER BY n) FROM unnest($1::text[]) WITH ORDINALITY AS u (h, n)"

DONE = "SELECT count(*) FROM chatter.outbox_done($1, $2::bigint[])"

FAIL = """SELECT count(*) FROM chatter.outbox_fail_batch($1, $2::bigint[], $3::text[], $4::boolean[],
                                                     $5::double precision[], $6)"""

RELEASE = "SELECT chatter.outbox_release($1, $2::bigint[], $3, make_interval(secs => $4))"

GONE = "SELECT chatter.outbox_subscription_gone($1, $2, $3)"

ALIVE = "SELECT 1"

# CHATTER_CHAT_EMAIL_DELAY into the database, where posting a DM reads it (chatter.chat_email_delay()).
# Read, then written only when it differs: one UPDATE comparing value::interval (a STABLE cast over a
# column) is refused by Citus (class I in docs/scaling.md), and an unchanged setting is not rewritten.
CHAT_EMAIL_DELAY_SAME = """SELECT value::interval = make_interval(secs => $1) FROM chatter.settings
                            WHERE name = 'chat_email_delay'"""
CHAT_EMAIL_DELAY = """UPDATE chatter.settings SET value = make_interval(secs => $1)::text
                       WHERE name = 'chat_email_delay'"""
