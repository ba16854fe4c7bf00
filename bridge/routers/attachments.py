"""Files: upload (multipart), download (always as an attachment), a record's files."""

from __future__ import annotations

import os
import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Request, Response, UploadFile

from bridge import schemas as s
from bridge.deps import Db, Limit, ModelPath, PathId
from bridge.limits import BodyTooLarge, Cap

router = APIRouter(tags=["attachments"])

MIMETYPE = re.compile(r"^[a-z]+/[a-z0-9.+_-]+$")

ADD = "SELECT chatter.add_attachment($1, $2, $3, $4, $5)"
INFO = "SELECT id, name, mimetype, size, model, document, created_at FROM chatter.attachments WHERE id = $1"
CONTENT = "SELECT name, mimetype, content FROM chatter.attachments WHERE id = $1"
RECORD_ATTACHMENTS = """
SELECT id, name, mimetype, size, model, document, created_at FROM chatter.record_attachments($1, $2, $3)
"""


@router.post("/attachments", response_model=s.AttachmentInfo, status_code=201,
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
    new_id = await db.conn.fetchval(ADD, name[:255], content, mimetype if MIMETYPE.match(mimetype) else None,
                                    model, document)
    await db.written()
    return dict(await db.conn.fetchrow(INFO, new_id))


@router.get("/attachments/{attachment_id}", summary="Download a file",
            response_class=Response, responses={200: {"content": {"*/*": {}}, "description": "The file"}})
async def download(db: Db, attachment_id: PathId) -> Response:
    row = await db.conn.fetchrow(CONTENT, attachment_id)
    if row is None:
        raise HTTPException(404, f"attachment {attachment_id} not found")
    # Always a download, never rendered inline: an uploaded HTML file must not run in our origin.
    return Response(row["content"], media_type=row["mimetype"], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row['name'])}",
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"})


@router.get("/records/{model}/{document}/attachments", response_model=list[s.AttachmentInfo],
            summary="A record's files, newest first")
async def record_attachments(db: Db, model: ModelPath, document: PathId, limit: Limit = 100) -> Any:
    return [dict(r) for r in await db.conn.fetch(RECORD_ATTACHMENTS, model, document, limit)]
