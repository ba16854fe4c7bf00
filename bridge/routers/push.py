"""Web Push: the VAPID public key, and one's browser subscriptions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from bridge import schemas as s
from bridge.deps import Db, PathId

router = APIRouter(tags=["push"])

SUBSCRIPTIONS = "SELECT id FROM chatter.push_subscriptions WHERE expired_at IS NULL ORDER BY id"
FORGET_ENDPOINT = "DELETE FROM chatter.push_subscriptions WHERE endpoint = $1"
ADD = """
INSERT INTO chatter.push_subscriptions (user_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4) RETURNING id
"""
DELETE = "DELETE FROM chatter.push_subscriptions WHERE id = $1 RETURNING id"


@router.get("/push/vapid_public_key", response_model=s.VapidKey,
            summary="The VAPID application server key (CHATTER_VAPID_PUBLIC_KEY)")
async def vapid_public_key(request: Request) -> Any:
    return {"public_key": request.app.state.settings.vapid_public_key}


@router.get("/push/subscriptions", response_model=list[s.Created])
async def push_subscriptions(db: Db) -> Any:
    return [dict(r) for r in await db.conn.fetch(SUBSCRIPTIONS)]


@router.post("/push/subscriptions", response_model=s.Created, status_code=201,
             summary="Store the browser's PushSubscription (replacing one's own with the same endpoint)")
async def subscribe_push(db: Db, body: s.PushSubscription) -> Any:
    await db.conn.execute(FORGET_ENDPOINT, body.endpoint)
    new_id = await db.conn.fetchval(ADD, db.user_id, body.endpoint, body.keys.p256dh, body.keys.auth)
    return {"id": new_id}


@router.delete("/push/subscriptions/{subscription_id}", status_code=204, response_class=Response)
async def unsubscribe_push(db: Db, subscription_id: PathId) -> Response:
    if await db.conn.fetchval(DELETE, subscription_id) is None:
        raise HTTPException(404, f"push subscription {subscription_id} not found")
    return Response(status_code=204)
