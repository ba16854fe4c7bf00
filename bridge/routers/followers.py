"""A record's followers: list, subscribe, unsubscribe; each follower's subtypes and "Edit subscription"."""

from __future__ import annotations

from typing import Any

import asyncpg
from fastapi import APIRouter

from bridge import schemas as s
from bridge.deps import Db, ModelPath, PathId

router = APIRouter(tags=["followers"])

FOLLOWERS = "SELECT id, name, email FROM chatter.record_followers($1, $2) ORDER BY name, id"
ME = "SELECT chatter.current_contact_id()"
SUBSCRIBE = "SELECT chatter.subscribe($1, $2, $3, $4)"
UNSUBSCRIBE = "SELECT chatter.unsubscribe($1, $2, $3)"
FOLLOWER_SUBTYPES = "SELECT contact_id, channel_id, name, subtypes FROM chatter.follower_subtypes($1, $2)"
EDIT_SUBSCRIPTION = "SELECT chatter.edit_subscription($1, $2, $3, $4)"
MODEL_SUBTYPES = "SELECT identifier, name, description, internal, is_default FROM chatter.model_subtypes($1)"


@router.get("/records/{model}/{document}/followers", response_model=list[s.Contact],
            summary="chatter.record_followers")
async def followers(db: Db, model: ModelPath, document: PathId) -> Any:
    return [dict(r) for r in await db.conn.fetch(FOLLOWERS, model, document)]


@router.post("/records/{model}/{document}/followers", response_model=list[s.Contact],
             summary="chatter.subscribe (yourself when no contacts are given)")
async def follow(db: Db, model: ModelPath, document: PathId, body: s.Follow) -> Any:
    who = body.contacts or [await db.conn.fetchval(ME)]
    await db.conn.execute(SUBSCRIBE, model, document, who, body.subtypes)
    await db.written()
    return await followers(db, model, document)


@router.delete("/records/{model}/{document}/followers/{contact_id}", response_model=list[s.Contact],
               summary="chatter.unsubscribe one contact")
async def unfollow(db: Db, model: ModelPath, document: PathId, contact_id: PathId) -> Any:
    await db.conn.execute(UNSUBSCRIBE, model, document, [contact_id])
    await db.written()
    # One may leave a record one can no longer read (SPEC 2a); its follower list then stays hidden.
    try:
        async with db.conn.transaction():
            return await followers(db, model, document)
    except asyncpg.PostgresError as exc:
        if exc.sqlstate != "CH003":
            raise
        return []


@router.get("/records/{model}/{document}/subscriptions", response_model=list[s.FollowerSubtypes],
            summary="chatter.follower_subtypes: each follower with the subtypes it follows")
async def subscriptions(db: Db, model: ModelPath, document: PathId) -> Any:
    return [dict(r) for r in await db.conn.fetch(FOLLOWER_SUBTYPES, model, document)]


@router.put("/records/{model}/{document}/subscriptions/{contact_id}", response_model=list[s.FollowerSubtypes],
            summary="chatter.edit_subscription: choose the subtypes one follows (one's own only)")
async def edit_subscription(db: Db, model: ModelPath, document: PathId, contact_id: PathId,
                            body: s.Subscription) -> Any:
    await db.conn.execute(EDIT_SUBSCRIPTION, model, document, body.subtypes, contact_id)
    await db.written()
    return await subscriptions(db, model, document)


@router.get("/models/{model}/subtypes", response_model=list[s.Subtype],
            summary="chatter.model_subtypes: the subtypes a follower of this model may choose")
async def model_subtypes(db: Db, model: ModelPath) -> Any:
    return [dict(r) for r in await db.conn.fetch(MODEL_SUBTYPES, model)]
