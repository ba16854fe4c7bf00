"""Full-text search (SPEC section 5, chatter.search_messages): what the acting user may read, newest first,
each hit with its message in the one wire shape and an HTML-escaped snippet with <mark> around the matches."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from bridge import schemas as s
from bridge.deps import Before, Db, Limit, messages_json

router = APIRouter(tags=["search"])

# The hits and their messages in one statement (one snapshot); the message is read under row-level
# security as every other read, and search_messages returned only readable ones anyway.
SEARCH = """
SELECT h.message_id, h.model, h.document, h.channel_id, h.rank, h.snippet, chatter.message_wire(m) AS message
  FROM chatter.search_messages($1, $2, $3, $4, $5, $6) AS h
  JOIN chatter.messages AS m ON m.id = h.message_id
 ORDER BY h.message_id DESC
"""


class SearchHit(BaseModel):
    message_id: int
    model: str | None
    document: int | None
    channel_id: int | None
    rank: float = Field(description="ts_rank of the hit (hits come newest first)")
    snippet: str = Field(description="Plain text, HTML-escaped, with <mark>...</mark> around the matched words")
    message: s.Message


class SearchPage(BaseModel):
    hits: list[SearchHit] = Field(description="Newest first")
    next_before_id: int | None = Field(description="Pass as before_id for the next (older) page; null at the end")


@router.get("/search", response_model=SearchPage,
            summary="chatter.search_messages: words, \"exact phrases\", prefix*, -excluded, or; in one record "
                    "(model and document), one channel, or everything one follows and one's conversations")
async def search(db: Db,
                 q: Annotated[str, Query(max_length=10_000, description="The search (its limit: chatter.limits search_chars)")],
                 model: Annotated[str | None, Query(max_length=200)] = None,
                 document: Annotated[int | None, Query(ge=1, le=s.BIGINT_MAX)] = None,
                 channel: Annotated[int | None, Query(ge=1, le=s.BIGINT_MAX)] = None,
                 limit: Limit = 20, before_id: Before = None) -> Any:
    rows = await db.conn.fetch(SEARCH, q, model, document, channel, limit, before_id)
    messages = await messages_json(db, rows)
    hits = [{**{k: r[k] for k in ("message_id", "model", "document", "channel_id", "rank", "snippet")},
             "message": m} for r, m in zip(rows, messages, strict=True)]
    return {"hits": hits, "next_before_id": hits[-1]["message_id"] if len(hits) == limit else None}
