"""Named SQL of the bridge. Row-level security decides what each query returns for the acting user."""

from __future__ import annotations

# Messages in their one wire shape (chatter.message_wire, as the relay and the catch-up send them);
# {source} is one of the set-returning sources below (constants, never user input).
MESSAGES = """
SELECT chatter.message_wire(m) AS message FROM {source} AS m ORDER BY m.id DESC
"""
RECORD_FEED = MESSAGES.format(source="chatter.record_feed($1, $2, $3, $4)")
CHANNEL_HISTORY = MESSAGES.format(source="chatter.channel_history($1, $2, $3)")
MESSAGES_BY_ID = MESSAGES.format(source="(SELECT * FROM chatter.messages WHERE id = ANY($1::bigint[]))")

CHANNELS = """
SELECT c.id, c.name, c.kind::text AS kind, c.description, c.is_archived, c.last_message_at, c.created_by,
       cm.user_id IS NOT NULL AS is_member, cm.is_muted, u.unread,
       CASE WHEN c.kind = 'Direct' THEN ARRAY[c.dm_user_low, c.dm_user_high] END AS dm_user_ids
  FROM chatter.channels AS c
  LEFT JOIN chatter.channel_members AS cm ON cm.channel_id = c.id AND cm.user_id = $1
  LEFT JOIN chatter.unread_counts($1) AS u ON u.channel_id = c.id
 WHERE ($2::bigint IS NULL OR c.id = $2)
 ORDER BY c.last_message_at DESC NULLS LAST, c.id
"""

USERS = """
SELECT u.id, u.username, u.contact_id, c.name, c.email, u.notification
  FROM chatter.users AS u JOIN chatter.contacts AS c ON c.id = u.contact_id
 WHERE u.active AND ($1::text IS NULL OR u.username ILIKE $1 || '%' OR c.name ILIKE '%' || $1 || '%')
   AND ($2::bigint IS NULL OR u.id = $2)
 ORDER BY c.name, u.id
 LIMIT $3
"""

CHANNEL_MEMBERS = """
SELECT u.id, u.username, u.contact_id, c.name, c.email, u.notification
  FROM chatter.channel_members AS m
  JOIN chatter.users AS u ON u.id = m.user_id
  JOIN chatter.contacts AS c ON c.id = u.contact_id
 WHERE m.channel_id = $1
 ORDER BY c.name, u.id
"""

INBOX = """
SELECT notification_id, message_id, is_read, read_at, created_at, payload
  FROM chatter.inbox
 WHERE ($1::bigint IS NULL OR notification_id < $1) AND (NOT $3 OR NOT is_read)
 ORDER BY notification_id DESC
 LIMIT $2
"""

ACTIVITY_COLUMNS = """activity, name, activity_type, activity_type_name, icon, action_type, model, record, assignee,
       deadline, state, days_left, description, created_by, created_at"""
# chatter.record_activities answers CH003 for a record the user may not read.
RECORD_ACTIVITIES = f"""
SELECT {ACTIVITY_COLUMNS}
  FROM chatter.record_activities($1, $2, 1000)
 WHERE ($3::bigint IS NULL OR assignee = $3)
 ORDER BY deadline, activity
 LIMIT $4
"""
ACTIVITIES = f"""
SELECT {ACTIVITY_COLUMNS}
  FROM chatter.activity_overview
 WHERE ($1::bigint IS NULL OR assignee = $1)
 ORDER BY deadline, activity
 LIMIT $2
"""

ACTIVITY = f"""
SELECT {ACTIVITY_COLUMNS}
  FROM chatter.activity_overview
 WHERE activity = $1
"""

ATTACHMENTS = """
SELECT id, name, mimetype, size, model, document, created_at FROM chatter.record_attachments($1, $2, $3)
"""
