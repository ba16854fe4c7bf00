"""HTTP routes for SPEC sections 5-7. Each runs in the caller's transaction (bridge.db.Db): the SQL
functions hold the rules, row-level security decides what is visible; this module only maps JSON."""

from __future__ import annotations

import os
import re
from typing import Annotated, Any
from urllib.parse import quote

import asyncpg
from fastapi import APIRouter, File, Form, HTTPException, Path, Query, Request, Response, UploadFile

from bridge import queries as q
from bridge import schemas as s
from bridge.db import Db
from bridge.limits import BodyTooLarge, Cap

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": s.Error, "description": text}
    for code, text in [(400, "unreadable request body"), (401, "missing or unknown token"), (403, "not allowed (CH004, privileges)"),
                       (404, "not found (CH003)"), (409, "conflict (CH002, duplicates)"),
                       (422, "invalid argument (CH001, CH005, bad values)")]
}
router = APIRouter(prefix="/api", responses=ERRORS)

PathId = Annotated[int, Path(ge=1, le=s.BIGINT_MAX)]
ModelPath = Annotated[str, Path(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$", max_length=200)]
Limit = Annotated[int, Query(ge=1, le=1000)]
Before = Annotated[int | None, Query(ge=1, le=s.BIGINT_MAX, description="Only ids below this (next page)")]


async def messages_json(db: Db, rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    """Messages as the API sends them (chatter.message_wire), the body sanitized once (bridge.bodies)."""
    items = [r["message"] for r in rows]
    await db.bodies.serve(items)
    return items


async def messages_by_id(db: Db, ids: list[int]) -> list[dict[str, Any]]:
    return await messages_json(db, await db.conn.fetch(q.MESSAGES_BY_ID, ids))


async def one_message(db: Db, message_id: int) -> dict[str, Any]:
    found = await messages_by_id(db, [message_id])
    if not found:
        raise HTTPException(404, f"message {message_id} not found")
    return found[0]


def page(items: list[dict[str, Any]], limit: int, key: str = "id") -> int | None:
    return items[-1][key] if len(items) == limit else None


# --- who am I, people -------------------------------------------------------------------------------

@router.get("/me", response_model=s.User, tags=["people"], summary="The acting user")
async def me(db: Db) -> Any:
    return dict(await db.conn.fetchrow(q.USERS, None, db.user_id, 1))


@router.patch("/me", response_model=s.User, tags=["people"], summary="Change one's notification preference")
async def update_me(db: Db, notification: Annotated[str, Query(pattern="^(email|inbox|none)$")]) -> Any:
    await db.conn.execute("UPDATE chatter.users SET notification = $1 WHERE id = $2", notification, db.user_id)
    return dict(await db.conn.fetchrow(q.USERS, None, db.user_id, 1))


@router.get("/users", response_model=list[s.User], tags=["people"],
            summary="Users, for @mentions and direct messages")
async def users(db: Db, q_: Annotated[str | None, Query(alias="q", max_length=200)] = None,
                limit: Limit = 50) -> Any:
    return [dict(r) for r in await db.conn.fetch(q.USERS, q_, None, limit)]


@router.get("/contacts", response_model=list[s.Contact], tags=["people"], summary="Contacts by name or email")
async def contacts(db: Db, q_: Annotated[str | None, Query(alias="q", max_length=200)] = None,
                   limit: Limit = 50) -> Any:
    rows = await db.conn.fetch(
        """SELECT id, name, email FROM chatter.contacts
            WHERE $1::text IS NULL OR name ILIKE '%' || $1 || '%' OR email ILIKE $1 || '%'
            ORDER BY name, id LIMIT $2""", q_, limit)
    return [dict(r) for r in rows]


# --- messages on records (section 5) ----------------------------------------------------------------

@router.post("/send_message", response_model=s.Message, status_code=201, tags=["messages"],
             summary="chatter.create_message as the acting user (the seed's route)")
async def send_message(db: Db, body: s.SendMessage) -> Any:
    new_id = await db.conn.fetchval(
        """SELECT chatter.create_message(body => $1, subject => $2, message_type => $3::chatter.message_type,
                  model => $4, document => $5, contacts => $6, attachments => $7, send => $8,
                  send_immediately => $9, subtype => $10, parent => $11, reply_to => $12)""",
        body.body, body.subject, body.message_type, body.model, body.document, body.contacts, body.attachments,
        body.send, body.send_immediately, body.subtype, body.parent, body.reply_to)
    return await one_message(db, new_id)


@router.post("/log_message", response_model=s.Message, status_code=201, tags=["messages"],
             summary="chatter.log_message: a note on the record that notifies no one")
async def log_message(db: Db, body: s.LogMessage) -> Any:
    new_id = await db.conn.fetchval("SELECT chatter.log_message($1, $2, $3)", body.model, body.document, body.body)
    return await one_message(db, new_id)


@router.post("/notify", response_model=s.Count, tags=["messages"],
             summary="chatter.notify: notify contacts about a record without adding to its feed")
async def notify(db: Db, body: s.Notify) -> Any:
    await db.conn.execute("SELECT chatter.notify($1, $2, $3, $4, $5)", body.model, body.document, body.body,
                          body.contacts, body.subject)
    return {"count": len(set(body.contacts))}


@router.get("/records/{model}/{document}/messages", response_model=s.MessagePage, tags=["messages"],
            summary="A record's feed, newest first; page with before_id")
async def record_feed(db: Db, model: ModelPath, document: PathId, limit: Limit = 50,
                      before_id: Before = None) -> Any:
    items = await messages_json(db, await db.conn.fetch(q.RECORD_FEED, model, document, limit, before_id))
    return {"messages": items, "next_before_id": page(items, limit)}


@router.get("/messages/{message_id}", response_model=s.Message, tags=["messages"], summary="One message")
async def get_message(db: Db, message_id: PathId) -> Any:
    return await one_message(db, message_id)


@router.get("/messages/{message_id}/audience", response_model=list[s.AudienceMember], tags=["messages"],
            summary="chatter.message_audience: who is notified, and why")
async def audience(db: Db, message_id: PathId) -> Any:
    return [dict(r) for r in await db.conn.fetch("SELECT * FROM chatter.message_audience($1)", message_id)]


@router.get("/messages/{message_id}/payload", response_model=s.Payload, tags=["messages"],
            summary="chatter.notification_payload: the seed's toast / Web Push payload")
async def payload(db: Db, message_id: PathId) -> Any:
    return await db.conn.fetchval("SELECT chatter.notification_payload($1)", message_id)


# --- followers ----------------------------------------------------------------------------------------

@router.get("/records/{model}/{document}/followers", response_model=list[s.Contact], tags=["followers"],
            summary="chatter.record_followers")
async def followers(db: Db, model: ModelPath, document: PathId) -> Any:
    rows = await db.conn.fetch("SELECT id, name, email FROM chatter.record_followers($1, $2) ORDER BY name, id",
                               model, document)
    return [dict(r) for r in rows]


@router.post("/records/{model}/{document}/followers", response_model=list[s.Contact], tags=["followers"],
             summary="chatter.subscribe (yourself when no contacts are given)")
async def follow(db: Db, model: ModelPath, document: PathId, body: s.Follow) -> Any:
    who = body.contacts or [await db.conn.fetchval("SELECT chatter.current_contact_id()")]
    await db.conn.execute("SELECT chatter.subscribe($1, $2, $3, $4)", model, document, who, body.subtypes)
    return await followers(db, model, document)


@router.delete("/records/{model}/{document}/followers/{contact_id}", response_model=list[s.Contact],
               tags=["followers"], summary="chatter.unsubscribe one contact")
async def unfollow(db: Db, model: ModelPath, document: PathId, contact_id: PathId) -> Any:
    await db.conn.execute("SELECT chatter.unsubscribe($1, $2, $3)", model, document, [contact_id])
    # One may leave a record one can no longer read (SPEC 2a); its follower list then stays hidden.
    try:
        async with db.conn.transaction():
            return await followers(db, model, document)
    except asyncpg.PostgresError as exc:
        if exc.sqlstate != "CH003":
            raise
        return []


# --- attachments --------------------------------------------------------------------------------------

MIMETYPE = re.compile(r"^[a-z]+/[a-z0-9.+_-]+$")


@router.post("/attachments", response_model=s.AttachmentInfo, status_code=201, tags=["attachments"],
             summary="Upload a file (multipart); attach it to a record, or later to a message")
async def upload(request: Request, db: Db, file: Annotated[UploadFile, File()],
                 model: Annotated[str | None, Form(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$", max_length=200)] = None,
                 document: Annotated[int | None, Form(ge=1, le=s.BIGINT_MAX)] = None) -> Any:
    limit = request.app.state.settings.max_upload
    # The body was capped at the edge (bridge/limits.py: CHATTER_MAX_UPLOAD and the multipart framing), so
    # the spooled file holds at most that; the exact limit is this file's, and no more than it is read.
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise BodyTooLarge(Cap(limit, "CHATTER_MAX_UPLOAD", "file"))
    name = os.path.basename((file.filename or "").replace("\\", "/")).strip() or "file"
    mimetype = (file.content_type or "").split(";")[0].strip().lower()
    new_id = await db.conn.fetchval("SELECT chatter.add_attachment($1, $2, $3, $4, $5)", name[:255], content,
                                    mimetype if MIMETYPE.match(mimetype) else None, model, document)
    return dict(await db.conn.fetchrow(
        "SELECT id, name, mimetype, size, model, document, created_at FROM chatter.attachments WHERE id = $1",
        new_id))


@router.get("/attachments/{attachment_id}", tags=["attachments"], summary="Download a file",
            response_class=Response, responses={200: {"content": {"*/*": {}}, "description": "The file"}})
async def download(db: Db, attachment_id: PathId) -> Response:
    row = await db.conn.fetchrow("SELECT name, mimetype, content FROM chatter.attachments WHERE id = $1",
                                 attachment_id)
    if row is None:
        raise HTTPException(404, f"attachment {attachment_id} not found")
    # Always a download, never rendered inline: an uploaded HTML file must not run in our origin.
    return Response(row["content"], media_type=row["mimetype"], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row['name'])}",
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"})


@router.get("/records/{model}/{document}/attachments", response_model=list[s.AttachmentInfo],
            tags=["attachments"], summary="A record's files, newest first")
async def record_attachments(db: Db, model: ModelPath, document: PathId, limit: Limit = 100) -> Any:
    return [dict(r) for r in await db.conn.fetch(q.ATTACHMENTS, model, document, limit)]


# --- activities (section 7) ---------------------------------------------------------------------------

@router.get("/activity_types", response_model=list[s.ActivityType], tags=["activities"])
async def activity_types(db: Db) -> Any:
    rows = await db.conn.fetch("""SELECT id, identifier, name, icon, default_scheduled_date, action_type
                                    FROM chatter.activity_types ORDER BY id""")
    return [dict(r) for r in rows]


@router.get("/activities", response_model=list[s.Activity], tags=["activities"],
            summary="Open activities: of a record (model + record), or one's own (mine=true)")
async def activities(db: Db, model: Annotated[str | None, Query(max_length=200)] = None,
                     record: Annotated[int | None, Query(ge=1, le=s.BIGINT_MAX)] = None,
                     mine: bool = False, limit: Limit = 100) -> Any:
    if (model is None) != (record is None):
        raise HTTPException(422, "model and record go together")
    if model is not None:
        rows = await db.conn.fetch(q.RECORD_ACTIVITIES, model, record, db.user_id if mine else None, limit)
    else:
        rows = await db.conn.fetch(q.ACTIVITIES, db.user_id if mine else None, limit)
    return [dict(r) for r in rows]


@router.get("/activities/counts", response_model=s.ActivityCounts, tags=["activities"],
            summary="chatter.activity_counts: the acting user's badge")
async def activity_counts(db: Db) -> Any:
    return dict(await db.conn.fetchrow("SELECT * FROM chatter.activity_counts($1)", db.user_id))


async def _activity(db: Db, activity_id: int) -> dict[str, Any]:
    row = await db.conn.fetchrow(q.ACTIVITY, activity_id)
    if row is None:
        raise HTTPException(404, f"activity {activity_id} not found")
    return dict(row)


@router.post("/activities", response_model=s.Activity, status_code=201, tags=["activities"],
             summary="chatter.schedule_activity")
async def schedule(db: Db, body: s.ScheduleActivity) -> Any:
    new_id = await db.conn.fetchval("SELECT chatter.schedule_activity($1, $2, $3, $4, $5, $6, $7)",
                                    body.model, body.record, body.activity_type, body.assigned_to, body.name,
                                    body.deadline, body.description)
    return await _activity(db, new_id)


@router.post("/activities/{activity_id}/done", response_model=s.Created, tags=["activities"],
             summary="chatter.activity_done: mark done, log the feedback on the record")
async def done(db: Db, activity_id: PathId, body: s.ActivityDone) -> Any:
    await db.conn.execute("SELECT chatter.activity_done($1, $2)", activity_id, body.feedback)
    return {"id": activity_id}


@router.delete("/activities/{activity_id}", status_code=204, response_class=Response, tags=["activities"],
               summary="chatter.activity_cancel")
async def cancel(db: Db, activity_id: PathId) -> Response:
    await db.conn.execute("SELECT chatter.activity_cancel($1)", activity_id)
    return Response(status_code=204)


# --- channels and direct messages (section 6) ---------------------------------------------------------

async def _channel(db: Db, channel_id: int) -> dict[str, Any]:
    row = await db.conn.fetchrow(q.CHANNELS, db.user_id, channel_id)
    if row is None:
        raise HTTPException(404, f"channel {channel_id} not found")
    return dict(row)


@router.get("/channels", response_model=list[s.Channel], tags=["chat"],
            summary="Channels one can see (Public ones, and one's Private channels and DMs) with unread counts")
async def channels(db: Db) -> Any:
    return [dict(r) for r in await db.conn.fetch(q.CHANNELS, db.user_id, None)]


@router.post("/channels", response_model=s.Channel, status_code=201, tags=["chat"],
             summary="chatter.create_channel; the creator joins")
async def create_channel(db: Db, body: s.CreateChannel) -> Any:
    new_id = await db.conn.fetchval(
        "SELECT chatter.create_channel($1, $2::chatter.channel_kind, $3, $4, $5)",
        body.name, body.kind, db.user_id, body.members, body.description)
    return await _channel(db, new_id)


@router.get("/channels/{channel_id}", response_model=s.Channel, tags=["chat"])
async def get_channel(db: Db, channel_id: PathId) -> Any:
    return await _channel(db, channel_id)


@router.get("/channels/{channel_id}/members", response_model=list[s.User], tags=["chat"])
async def channel_members(db: Db, channel_id: PathId) -> Any:
    await _channel(db, channel_id)
    return [dict(r) for r in await db.conn.fetch(q.CHANNEL_MEMBERS, channel_id)]


@router.post("/channels/{channel_id}/join", response_model=s.Channel, tags=["chat"],
             summary="chatter.channel_join: join a Public channel, or add a user to one's Private channel")
async def join(db: Db, channel_id: PathId,
               user_id: Annotated[int | None, Query(ge=1, le=s.BIGINT_MAX)] = None) -> Any:
    await db.conn.execute("SELECT chatter.channel_join($1, $2)", channel_id, user_id or db.user_id)
    return await _channel(db, channel_id)


@router.post("/channels/{channel_id}/leave", status_code=204, response_class=Response, tags=["chat"],
             summary="chatter.channel_leave")
async def leave(db: Db, channel_id: PathId) -> Response:
    await db.conn.execute("SELECT chatter.channel_leave($1, $2)", channel_id, db.user_id)
    return Response(status_code=204)


@router.post("/channels/{channel_id}/mute", response_model=s.Channel, tags=["chat"], summary="chatter.channel_mute")
async def mute(db: Db, channel_id: PathId, body: s.Mute) -> Any:
    await db.conn.execute("SELECT chatter.channel_mute($1, $2, $3)", channel_id, db.user_id, body.muted)
    return await _channel(db, channel_id)


@router.get("/channels/{channel_id}/messages", response_model=s.MessagePage, tags=["chat"],
            summary="chatter.channel_history: newest first, page with before_id")
async def history(db: Db, channel_id: PathId, limit: Limit = 50, before_id: Before = None) -> Any:
    items = await messages_json(db, await db.conn.fetch(q.CHANNEL_HISTORY, channel_id, limit, before_id))
    return {"messages": items, "next_before_id": page(items, limit)}


@router.post("/channels/{channel_id}/messages", response_model=s.Message, status_code=201, tags=["chat"],
             summary="chatter.channel_post")
async def post(db: Db, channel_id: PathId, body: s.Post) -> Any:
    new_id = await db.conn.fetchval("SELECT chatter.channel_post($1, $2, $3)", channel_id, db.user_id, body.body)
    return await one_message(db, new_id)


@router.post("/channels/{channel_id}/read", response_model=s.Channel, tags=["chat"],
             summary="chatter.mark_read: move one's read marker (never backwards)")
async def mark_read(db: Db, channel_id: PathId, body: s.MarkRead) -> Any:
    await db.conn.execute("SELECT chatter.mark_read($1, $2, $3)", channel_id, db.user_id, body.message_id)
    return await _channel(db, channel_id)


@router.get("/unread", response_model=list[s.Unread], tags=["chat"],
            summary="chatter.unread_counts for the acting user")
async def unread(db: Db) -> Any:
    return [dict(r) for r in await db.conn.fetch("SELECT * FROM chatter.unread_counts($1) ORDER BY channel_id",
                                                 db.user_id)]


@router.post("/dms", response_model=s.Channel, tags=["chat"],
             summary="chatter.get_or_create_dm with another user: one Direct channel per pair")
async def dm(db: Db, body: s.Dm) -> Any:
    channel_id = await db.conn.fetchval("SELECT chatter.get_or_create_dm($1, $2)", db.user_id, body.user_id)
    return await _channel(db, channel_id)


# --- inbox and the bell -------------------------------------------------------------------------------

@router.get("/inbox", response_model=s.InboxPage, tags=["inbox"],
            summary="The acting user's notifications, newest first, with the seed payload")
async def inbox(db: Db, limit: Limit = 50, before_id: Before = None, unread_only: bool = False) -> Any:
    items = [dict(r) for r in await db.conn.fetch(q.INBOX, before_id, limit, unread_only)]
    return {"notifications": items, "next_before_id": page(items, limit, "notification_id")}


@router.get("/inbox/count", response_model=s.Count, tags=["inbox"], summary="chatter.inbox_count: the bell's badge")
async def inbox_count(db: Db) -> Any:
    return {"count": await db.conn.fetchval("SELECT chatter.inbox_count()")}


@router.post("/inbox/read", response_model=s.Count, tags=["inbox"],
             summary="chatter.mark_notifications_read (all when no ids are given); returns how many changed")
async def inbox_read(db: Db, body: s.MarkNotifications) -> Any:
    return {"count": await db.conn.fetchval("SELECT chatter.mark_notifications_read($1)", body.notification_ids)}


# --- Web Push -----------------------------------------------------------------------------------------

@router.get("/push/vapid_public_key", response_model=s.VapidKey, tags=["push"],
            summary="The VAPID application server key (CHATTER_VAPID_PUBLIC_KEY)")
async def vapid_public_key(request: Request) -> Any:
    return {"public_key": request.app.state.settings.vapid_public_key}


@router.get("/push/subscriptions", response_model=list[s.Created], tags=["push"])
async def push_subscriptions(db: Db) -> Any:
    rows = await db.conn.fetch("SELECT id FROM chatter.push_subscriptions WHERE expired_at IS NULL ORDER BY id")
    return [dict(r) for r in rows]


@router.post("/push/subscriptions", response_model=s.Created, status_code=201, tags=["push"],
             summary="Store the browser's PushSubscription (replacing one's own with the same endpoint)")
async def subscribe_push(db: Db, body: s.PushSubscription) -> Any:
    await db.conn.execute("DELETE FROM chatter.push_subscriptions WHERE endpoint = $1", body.endpoint)
    new_id = await db.conn.fetchval(
        """INSERT INTO chatter.push_subscriptions (user_id, endpoint, p256dh, auth)
           VALUES ($1, $2, $3, $4) RETURNING id""", db.user_id, body.endpoint, body.keys.p256dh, body.keys.auth)
    return {"id": new_id}


@router.delete("/push/subscriptions/{subscription_id}", status_code=204, response_class=Response, tags=["push"])
async def unsubscribe_push(db: Db, subscription_id: PathId) -> Response:
    deleted = await db.conn.fetchval("DELETE FROM chatter.push_subscriptions WHERE id = $1 RETURNING id",
                                     subscription_id)
    if deleted is None:
        raise HTTPException(404, f"push subscription {subscription_id} not found")
    return Response(status_code=204)
