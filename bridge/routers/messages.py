"""Messages on records (SPEC section 5): post, log, notify, a record's feed and display name, one message,
its audience; edit, delete, reactions and stars of any message (issue 21)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from bridge import queries as q
from bridge import schemas as s
from bridge.deps import Before, Db, Limit, ModelPath, PathId, messages_json, one_message, page

router = APIRouter(tags=["messages"])

CREATE_MESSAGE = """
SELECT chatter.create_message(body => $1, subject => $2, message_type => $3::chatter.message_type,
       model => $4, document => $5, contacts => $6, attachments => $7, send => $8,
       send_immediately => $9, subtype => $10, parent => $11, reply_to => $12)
"""
LOG_MESSAGE = "SELECT chatter.log_message($1, $2, $3)"
NOTIFY = "SELECT chatter.notify($1, $2, $3, $4, $5)"
RECORD_FEED = q.MESSAGES.format(source="chatter.record_feed($1, $2, $3, $4)")
AUDIENCE = "SELECT * FROM chatter.message_audience($1)"
PAYLOAD = "SELECT chatter.notification_payload($1)"
EDIT = "SELECT chatter.edit_message($1, $2, $3)"
DELETE = "SELECT chatter.delete_message($1)"
REACT = "SELECT chatter.react($1, $2)"
UNREACT = "SELECT chatter.unreact($1, $2)"
REACTIONS = "SELECT emoji, count, contacts FROM chatter.message_reactions($1)"
STAR = "SELECT chatter.star($1)"
UNSTAR = "SELECT chatter.unstar($1)"
STARRED = q.MESSAGES.format(
    source="(SELECT m.* FROM chatter.starred AS s JOIN chatter.messages AS m ON m.id = s.message_id "
           "WHERE $2::bigint IS NULL OR s.message_id < $2 ORDER BY s.message_id DESC LIMIT $1)")
# CH003 unless the acting user may read the record; then what a person calls it (S00012).
RECORD_LABEL = "SELECT chatter.check_record_readable($1, $2), chatter.record_label($1, $2) AS label"


@router.post("/send_message", response_model=s.Message, status_code=201,
             summary="chatter.create_message as the acting user (the seed's route)")
async def send_message(db: Db, body: s.SendMessage) -> Any:
    new_id = await db.conn.fetchval(
        CREATE_MESSAGE, body.body, body.subject, body.message_type, body.model, body.document, body.contacts,
        body.attachments, body.send, body.send_immediately, body.subtype, body.parent, body.reply_to)
    await db.written()
    return await one_message(db, new_id)


@router.post("/log_message", response_model=s.Message, status_code=201,
             summary="chatter.log_message: a note on the record that notifies no one")
async def log_message(db: Db, body: s.LogMessage) -> Any:
    new_id = await db.conn.fetchval(LOG_MESSAGE, body.model, body.document, body.body)
    await db.written()
    return await one_message(db, new_id)


@router.post("/notify", response_model=s.Count,
             summary="chatter.notify: notify contacts about a record without adding to its feed")
async def notify(db: Db, body: s.Notify) -> Any:
    await db.conn.execute(NOTIFY, body.model, body.document, body.body, body.contacts, body.subject)
    return {"count": len(set(body.contacts))}


@router.get("/records/{model}/{document}/messages", response_model=s.MessagePage,
            summary="A record's feed, newest first; page with before_id")
async def record_feed(db: Db, model: ModelPath, document: PathId, limit: Limit = 50,
                      before_id: Before = None) -> Any:
    items = await messages_json(db, await db.conn.fetch(RECORD_FEED, model, document, limit, before_id))
    return {"messages": items, "next_before_id": page(items, limit)}


@router.get("/records/{model}/{document}", response_model=s.RecordLabel,
            summary="chatter.record_label: a readable record's display name (what toasts and the bell show)")
async def record_label(db: Db, model: ModelPath, document: PathId) -> Any:
    row = await db.conn.fetchrow(RECORD_LABEL, model, document)
    return {"model": model, "document": document, "label": row["label"]}


@router.get("/messages/{message_id}", response_model=s.Message, summary="One message")
async def get_message(db: Db, message_id: PathId) -> Any:
    return await one_message(db, message_id)


@router.get("/messages/{message_id}/audience", response_model=list[s.AudienceMember],
            summary="chatter.message_audience: who is notified, and why")
async def audience(db: Db, message_id: PathId) -> Any:
    return [dict(r) for r in await db.conn.fetch(AUDIENCE, message_id)]


@router.get("/messages/{message_id}/payload", response_model=s.Payload,
            summary="chatter.notification_payload: the seed's toast / Web Push payload")
async def payload(db: Db, message_id: PathId) -> Any:
    return await db.conn.fetchval(PAYLOAD, message_id)


@router.patch("/messages/{message_id}", response_model=s.Message,
              summary="chatter.edit_message: the author edits a message (403 for anyone else, or Tracking)")
async def edit_message(db: Db, message_id: PathId, body: s.EditMessage) -> Any:
    await db.conn.execute(EDIT, message_id, body.body, body.subject)
    await db.written()
    return await one_message(db, message_id)


@router.delete("/messages/{message_id}", response_model=s.Message,
               summary="chatter.delete_message: the author deletes a message; its tombstone is returned")
async def delete_message(db: Db, message_id: PathId) -> Any:
    await db.conn.execute(DELETE, message_id)
    await db.written()
    return await one_message(db, message_id)


@router.get("/messages/{message_id}/reactions", response_model=list[s.Reaction],
            summary="chatter.message_reactions: each emoji, how many, who")
async def reactions(db: Db, message_id: PathId) -> Any:
    return [dict(r) for r in await db.conn.fetch(REACTIONS, message_id)]


@router.post("/messages/{message_id}/reactions", response_model=s.Message,
             summary="chatter.react: the acting user reacts (once per emoji)")
async def react(db: Db, message_id: PathId, body: s.React) -> Any:
    await db.conn.execute(REACT, message_id, body.emoji)
    await db.written()
    return await one_message(db, message_id)


@router.delete("/messages/{message_id}/reactions", response_model=s.Message,
               summary="chatter.unreact: the acting user takes their reaction back")
async def unreact(db: Db, message_id: PathId, emoji: Annotated[str, Query(min_length=1, max_length=100)]) -> Any:
    await db.conn.execute(UNREACT, message_id, emoji)
    await db.written()
    return await one_message(db, message_id)


@router.put("/messages/{message_id}/star", response_model=s.Message, summary="chatter.star")
async def star(db: Db, message_id: PathId) -> Any:
    await db.conn.execute(STAR, message_id)
    await db.written()
    return await one_message(db, message_id)


@router.delete("/messages/{message_id}/star", response_model=s.Message, summary="chatter.unstar")
async def unstar(db: Db, message_id: PathId) -> Any:
    await db.conn.execute(UNSTAR, message_id)
    await db.written()
    return await one_message(db, message_id)


@router.get("/starred", response_model=s.MessagePage,
            summary="chatter.starred: the acting user's starred messages they may read; page with before_id")
async def starred(db: Db, limit: Limit = 50, before_id: Before = None) -> Any:
    items = await messages_json(db, await db.conn.fetch(STARRED, limit, before_id))
    return {"messages": items, "next_before_id": page(items, limit)}
