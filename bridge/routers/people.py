"""Who am I, and the people one can mention or write to."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from bridge import schemas as s
from bridge.deps import Db, Limit

router = APIRouter(tags=["people"])

USERS = """
SELECT u.id, u.username, u.contact_id, c.name, c.email, u.notification
  FROM chatter.users AS u JOIN chatter.contacts AS c ON c.id = u.contact_id
 WHERE u.active AND ($1::text IS NULL OR u.username ILIKE $1 || '%' OR c.name ILIKE '%' || $1 || '%')
   AND ($2::bigint IS NULL OR u.id = $2)
 ORDER BY c.name, u.id
 LIMIT $3
"""
SET_NOTIFICATION = "UPDATE chatter.users SET notification = $1 WHERE id = $2"
# Citus (CHATTER_CITUS=1): users is a reference table, and chatter_app's UPDATE of it runs its policy on the
# workers too, where it cannot (class C in docs/scaling.md); the same rule, on the coordinator, for the acting
# user's own row (sql/citus/reads.sql).
CITUS_SET_NOTIFICATION = "SELECT chatter_citus.set_notification($1)"
CONTACTS = """
SELECT id, name, email FROM chatter.contacts
 WHERE $1::text IS NULL OR name ILIKE '%' || $1 || '%' OR email ILIKE $1 || '%'
 ORDER BY name, id LIMIT $2
"""


@router.get("/me", response_model=s.User, summary="The acting user")
async def me(db: Db) -> Any:
    return dict(await db.conn.fetchrow(USERS, None, db.user_id, 1))


@router.patch("/me", response_model=s.User, summary="Change one's notification preference")
async def update_me(db: Db, notification: Annotated[str, Query(pattern="^(email|inbox|none)$")]) -> Any:
    if db.citus:
        await db.conn.execute(CITUS_SET_NOTIFICATION, notification)
    else:
        await db.conn.execute(SET_NOTIFICATION, notification, db.user_id)
    await db.written()
    return dict(await db.conn.fetchrow(USERS, None, db.user_id, 1))


@router.get("/users", response_model=list[s.User], summary="Users, for @mentions and direct messages")
async def users(db: Db, q_: Annotated[str | None, Query(alias="q", max_length=200)] = None,
                limit: Limit = 50) -> Any:
    return [dict(r) for r in await db.conn.fetch(USERS, q_, None, limit)]


@router.get("/contacts", response_model=list[s.Contact], summary="Contacts by name or email")
async def contacts(db: Db, q_: Annotated[str | None, Query(alias="q", max_length=200)] = None,
                   limit: Limit = 50) -> Any:
    return [dict(r) for r in await db.conn.fetch(CONTACTS, q_, limit)]
