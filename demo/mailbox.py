"""A local SMTP server for the demo (aiosmtpd): every mail it receives is kept as a .eml file, which the
bridge lists at /api/demo/mailbox so the page can show what the listener sent."""

from __future__ import annotations

import email
import email.policy
import itertools
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

_seq = itertools.count()


class MailboxHandler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        name = f"{time.time_ns()}-{next(_seq):06d}.eml"
        (self.directory / name).write_bytes(envelope.original_content or b"")
        return "250 OK kept in the demo mailbox"


def start(directory: Path, host: str = "127.0.0.1", port: int = 8025) -> Controller:
    """Start the server in a thread; stop it with .stop()."""
    controller = Controller(MailboxHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


def read(directory: Path, limit: int = 100) -> list[dict[str, Any]]:
    """The newest mails first: headers and the plain-text part (the page shows text, never raw HTML)."""
    if not directory.is_dir():
        return []
    mails = []
    for path in sorted(directory.glob("*.eml"), reverse=True)[:limit]:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        mails.append({
            "id": path.stem, "from": str(msg.get("From", "")), "to": str(msg.get("To", "")),
            "subject": str(msg.get("Subject", "")), "date": str(msg.get("Date", "")),
            "text": text.get_content() if text is not None else "",
            "html": html.get_content() if html is not None else None,
            "attachments": [part.get_filename() for part in msg.iter_attachments() if part.get_filename()],
        })
    return mails
