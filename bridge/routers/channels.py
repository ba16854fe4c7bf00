"""Channels and direct messages (SPEC section 6): list, create, members, join, leave, mute, history, post,
read markers, unread counts, DMs, archive."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response

from bridge import queries as q
from bridge import schemas as s
from bridge.deps import Before, Db, Limit, PathId, messages_json, one_message, page

router = APIRouter(tags=["chat"])

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
CHANNEL_MEMBERS = """
SELECT u.id, u.username, u.contact_id, c.name, c.email, u.notification
  FROM chatter.channel_members AS m
  JOIN chatter.users AS u ON u.id = m.user_id
  JOIN chatter.contacts AS c ON c.id = u.contact_id
 WHERE m.channel_id = $1
 ORDER BY c.name, u.id
"""
# Citus (CHATTER_CITUS=1): channel_members' policy cannot run on the workers' shards (class C in
# docs/scaling.md); chatter_citus.members_of (sql/citus/reads.sql) reads the same rows under the
# same policy, evaluated on the coordinator.
CITUS_CHANNELS = CHANNELS.replace("LEFT JOIN chatter.channel_members AS cm ON cm.channel_id = c.id AND cm.user_id = $1",
                                  "LEFT JOIN chatter_citus.members_of(NULL, $1) AS cm ON cm.channel_id = c.id")
CITUS_CHANNEL_MEMBERS = CHANNEL_MEMBERS.replace("FROM chatter.channel_members AS m",
                                                "FROM chatter_citus.members_of($1) AS m")
assert CITUS_CHANNELS != CHANNELS and CITUS_CHANNEL_MEMBERS != CHANNEL_MEMBERS
CHANNEL_HISTORY = q.MESSAGES.format(source="chatter.channel_history($1, $2, $3)")
CREATE = "SELECT chatter.create_channel($1, $2::chatter.channel_kind, $3, $4, $5)"
JOIN = "SELECT chatter.channel_join($1, $2)"
LEAVE = "SELECT chatter.channel_leave($1, $2)"
MUTE = "SELECT chatter.channel_mute($1, $2, $3)"
ARCHIVE = "SELECT chatter.channel_archive($1)"
UNARCHIVE = "SELECT chatter.channel_unarchive($1)"
POST = "SELECT chatter.channel_post($1, $2, $3)"
REPLY = "SELECT chatter.channel_reply($1, $2, $3, $4)"
MARK_READ = "SELECT chatter.mark_read($1, $2, $3)"
UNREAD = "SELECT * FROM chatter.unread_counts($1) ORDER BY channel_id"
DM = "SELECT chatter.get_or_create_dm($1, $2)"


async def _channel(db: Db, channel_id: int) -> dict[str, Any]:
    row = await db.conn.fetchrow(CITUS_CHANNELS if db.citus else CHANNELS, db.user_id, channel_id)
    if row is None:
        raise HTTPException(404, f"channel {channel_id} not found")
    return dict(row)


@router.get("/channels", response_model=list[s.Channel],
            summary="Channels one can see (Public ones, and one's Private channels and DMs) with unread counts")
async def channels(db: Db) -> Any:
    return [dict(r) for r in await db.conn.fetch(CITUS_CHANNELS if db.citus else CHANNELS, db.user_id, None)]


@router.post("/channels", response_model=s.Channel, status_code=201,
             summary="chatter.create_channel; the creator joins")
async def create_channel(db: Db, body: s.CreateChannel) -> Any:
    new_id = await db.conn.fetchval(CREATE, body.name, body.kind, db.user_id, body.members, body.description)
    await db.written()
    return await _channel(db, new_id)


@router.get("/channels/{channel_id}", response_model=s.Channel)
async def get_channel(db: Db, channel_id: PathId) -> Any:
    return await _channel(db, channel_id)


@router.get("/channels/{channel_id}/members", response_model=list[s.User])
async def channel_members(db: Db, channel_id: PathId) -> Any:
    await _channel(db, channel_id)
    return [dict(r) for r in await db.conn.fetch(CITUS_CHANNEL_MEMBERS if db.citus else CHANNEL_MEMBERS, channel_id)]


@router.post("/channels/{channel_id}/join", response_model=s.Channel,
             summary="chatter.channel_join: join a Public channel, or add a user to one's Private channel")
async def join(db: Db, channel_id: PathId,
               user_id: Annotated[int | None, Query(ge=1, le=s.BIGINT_MAX)] = None) -> Any:
    await db.conn.execute(JOIN, channel_id, user_id or db.user_id)
    await db.written()
    return await _channel(db, channel_id)


@router.post("/channels/{channel_id}/leave", status_code=204, response_class=Response,
             summary="chatter.channel_leave")
async def leave(db: Db, channel_id: PathId) -> Response:
    await db.conn.execute(LEAVE, channel_id, db.user_id)
    return Response(status_code=204)


@router.post("/channels/{channel_id}/mute", response_model=s.Channel, summary="chatter.channel_mute")
async def mute(db: Db, channel_id: PathId, body: s.Mute) -> Any:
    await db.conn.execute(MUTE, channel_id, db.user_id, body.muted)
    await db.written()
    return await _channel(db, channel_id)


@router.post("/channels/{channel_id}/archive", response_model=s.Channel,
             summary="chatter.channel_archive: its creator archives it (history kept, no new posts)")
async def archive(db: Db, channel_id: PathId) -> Any:
    await db.conn.execute(ARCHIVE, channel_id)
    await db.written()
    return await _channel(db, channel_id)


@router.post("/channels/{channel_id}/unarchive", response_model=s.Channel, summary="chatter.channel_unarchive")
async def unarchive(db: Db, channel_id: PathId) -> Any:
    await db.conn.execute(UNARCHIVE, channel_id)
    await db.written()
    return await _channel(db, channel_id)


@router.get("/channels/{channel_id}/messages", response_model=s.MessagePage,
            summary="chatter.channel_history: newest first, page with before_id")
async def history(db: Db, channel_id: PathId, limit: Limit = 50, before_id: Before = None) -> Any:
    items = await messages_json(db, await db.conn.fetch(CHANNEL_HISTORY, channel_id, limit, before_id))
    return {"messages": items, "next_before_id": page(items, limit)}


@router.post("/channels/{channel_id}/messages", response_model=s.Message, status_code=201,
             summary="chatter.channel_post, or channel_reply with a parent")
async def post(db: Db, channel_id: PathId, body: s.Post) -> Any:
    if body.parent is None:
        new_id = await db.conn.fetchval(POST, channel_id, db.user_id, body.body)
    else:
        new_id = await db.conn.fetchval(REPLY, channel_id, db.user_id, body.body, body.parent)
    await db.written()
    return await one_message(db, new_id)


@router.post("/channels/{channel_id}/read", response_model=s.Channel,
             summary="chatter.mark_read: move one's read marker (never backwards)")
async def mark_read(db: Db, channel_id: PathId, body: s.MarkRead) -> Any:
    await db.conn.execute(MARK_READ, channel_id, db.user_id, body.message_id)
    await db.written()
    return await _channel(db, channel_id)


@router.get("/unread", response_model=list[s.Unread], summary="chatter.unread_counts for the acting user")
async def unread(db: Db) -> Any:
    return [dict(r) for r in await db.conn.fetch(UNREAD, db.user_id)]


@router.post("/dms", response_model=s.Channel,
             summary="chatter.get_or_create_dm with another user: one Direct channel per pair")
async def dm(db: Db, body: s.Dm) -> Any:
    channel_id = await db.conn.fetchval(DM, db.user_id, body.user_id)
    await db.written()
    return await _channel(db, channel_id)
