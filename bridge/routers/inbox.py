"""The inbox and the bell: one's notifications, their count, marking them read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from bridge import schemas as s
from bridge.deps import Before, Db, Limit, page

router = APIRouter(tags=["inbox"])

INBOX = """
SELECT notification_id, message_id, is_read, read_at, created_at, payload
  FROM chatter.inbox
 WHERE ($1::bigint IS NULL OR notification_id < $1) AND (NOT $3 OR NOT is_read)
 ORDER BY notification_id DESC
 LIMIT $2
"""
# Citus (CHATTER_CITUS=1): the same page from chatter_citus.inbox (sql/citus/reads.sql), which reads the
# notifications under their policy on the coordinator (class C in docs/scaling.md).
CITUS_INBOX = """
SELECT notification_id, message_id, is_read, read_at, created_at, payload
  FROM chatter_citus.inbox($1, $2, $3)
 ORDER BY notification_id DESC
"""
COUNT = "SELECT chatter.inbox_count()"
MARK_READ = "SELECT chatter.mark_notifications_read($1)"


@router.get("/inbox", response_model=s.InboxPage,
            summary="The acting user's notifications, newest first, with the seed payload")
async def inbox(db: Db, limit: Limit = 50, before_id: Before = None, unread_only: bool = False) -> Any:
    items = [dict(r) for r in await db.conn.fetch(CITUS_INBOX if db.citus else INBOX, before_id, limit, unread_only)]
    return {"notifications": items, "next_before_id": page(items, limit, "notification_id")}


@router.get("/inbox/count", response_model=s.Count, summary="chatter.inbox_count: the bell's badge")
async def inbox_count(db: Db) -> Any:
    return {"count": await db.conn.fetchval(COUNT)}


@router.post("/inbox/read", response_model=s.Count,
             summary="chatter.mark_notifications_read (all when no ids are given); returns how many changed")
async def inbox_read(db: Db, body: s.MarkNotifications) -> Any:
    return {"count": await db.conn.fetchval(MARK_READ, body.notification_ids)}
