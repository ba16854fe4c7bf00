"""Demo-only routes (CHATTER_DEMO=1, set by `pgchatter run`): log in as a demo user, the demo's
`sale_orders` records (list, read, change tracked fields), and the demo SMTP server's mailbox.

The chatter routes never need these; they exist so the page has records to hang a chatter on. Every
route 404s unless the bridge runs in demo mode, and none is in the OpenAPI document."""

from __future__ import annotations

import asyncio
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from bridge import schemas as s
from bridge.deps import Db
from demo import mailbox
from pgchatter.html import sanitize


def demo_mode(request: Request) -> None:
    if not request.app.state.settings.demo:
        raise HTTPException(404, "Not Found")


router = APIRouter(prefix="/api/demo", dependencies=[Depends(demo_mode)], include_in_schema=False)

ORDERS = """
SELECT o.id, o.name, o.state::text AS state, o.amount_total, o.order_date, o.email_from, o.notes,
       o.customer_id, cu.name AS customer, o.salesperson_id, sp.name AS salesperson,
       (SELECT count(*) FROM chatter.activity_overview AS a
         WHERE a.model = 'sale_orders' AND a.record = o.id) AS activities
  FROM public.sale_orders AS o
  LEFT JOIN chatter.contacts AS cu ON cu.id = o.customer_id
  LEFT JOIN chatter.contacts AS sp ON sp.id = o.salesperson_id
 WHERE $1::bigint IS NULL OR o.id = $1
 ORDER BY o.id DESC
"""
LOGINS = """
SELECT u.id, u.username, c.name, c.email, d.token
  FROM public.demo_logins AS d JOIN chatter.users AS u ON u.id = d.user_id
  JOIN chatter.contacts AS c ON c.id = u.contact_id ORDER BY u.id
"""
STATES = ["Quotation", "Quotation Sent", "Sales Order", "Locked", "Cancelled"]


class OrderChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["Quotation", "Quotation Sent", "Sales Order", "Locked", "Cancelled"] | None = None
    salesperson_id: Annotated[int, Field(ge=1, le=s.BIGINT_MAX)] | None = None
    customer_id: Annotated[int, Field(ge=1, le=s.BIGINT_MAX)] | None = None
    amount_total: Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.99"), decimal_places=2)] | None = None
    order_date: date | None = None


@router.get("/logins")
async def logins(request: Request) -> Any:
    """The demo users and their tokens: the page's "log in as" (no token needed, demo only)."""
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(LOGINS)
    return [dict(r) for r in rows]


@router.get("/orders")
async def orders(db: Db) -> Any:
    return {"states": STATES, "orders": [dict(r) for r in await db.conn.fetch(ORDERS, None)]}


@router.get("/orders/{order_id}")
async def order(db: Db, order_id: int) -> Any:
    row = await db.conn.fetchrow(ORDERS, order_id)
    if row is None:
        raise HTTPException(404, f"order {order_id} not found")
    return dict(row)


@router.patch("/orders/{order_id}")
async def change_order(db: Db, order_id: int, body: OrderChange) -> Any:
    """A plain UPDATE as the acting user: the tracking triggers log it, the viewers get record_changed."""
    changes = body.model_dump(exclude_unset=True)
    if changes:
        sets = ", ".join(f"{col} = ${i + 2}" for i, col in enumerate(changes))   # names from OrderChange
        sql = f"UPDATE public.sale_orders SET {sets} WHERE id = $1 RETURNING id"
        if await db.conn.fetchval(sql, order_id, *changes.values()) is None:
            raise HTTPException(404, f"order {order_id} not found")
    return await order(db, order_id)


@router.get("/mailbox")
async def mail(request: Request) -> Any:
    """Mails the demo SMTP server received (from the listener), newest first; HTML parts sanitized."""
    settings = request.app.state.settings
    directory = Path(settings.demo_mailbox) if settings.demo_mailbox else None
    mails = await asyncio.to_thread(mailbox.read, directory) if directory else []
    for m in mails:
        if m["html"] is not None:
            m["html"] = sanitize(m["html"])
    return {"listener": settings.demo_listener, "mailbox": directory is not None, "mails": mails}


class MailReply(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(min_length=1, max_length=10_000)]


@router.post("/mailbox/{mail_id}/reply")
async def reply_mail(request: Request, mail_id: str, body: MailReply) -> Any:
    """The customer's side of the loop: answer a mail of the mailbox through the mail gateway
    (CHATTER_DEMO_MAILGATE, set by pgchatter run); the answer lands on the record."""
    settings = request.app.state.settings
    gateway = os.environ.get("CHATTER_DEMO_MAILGATE")
    if not settings.demo_mailbox or not gateway:
        raise HTTPException(404, "no mail gateway in this demo")
    host, _, port = gateway.rpartition(":")
    code, message = await asyncio.to_thread(mailbox.reply, Path(settings.demo_mailbox), mail_id, body.text,
                                            (host, int(port)))
    if code == 404:
        raise HTTPException(404, message)
    return {"code": code, "message": message}
