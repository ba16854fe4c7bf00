"""A local SMTP server for the demo (aiosmtpd): every mail it receives is kept as a .eml file, which the
bridge lists at /api/demo/mailbox so the page can show what the listener sent."""

from __future__ import annotations

import email
import email.policy
import itertools
import re
import smtplib
import time
from email.message import EmailMessage
from email.utils import make_msgid
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
            "reply_to": str(msg.get("Reply-To", "")),
        })
    return mails


MAIL_ID = re.compile(r"[0-9]{1,25}-[0-9]{6}")


def reply(directory: Path, mail_id: str, text: str, gateway: tuple[str, int]) -> tuple[int, str]:
    """Answer a received mail as its recipient's mail client would (Reply-To, In-Reply-To, References,
    the original quoted), sent over SMTP to the mail gateway; its answer (250, or 550 and the reason)."""
    path = directory / f"{mail_id}.eml"
    if not MAIL_ID.fullmatch(mail_id) or not path.is_file():
        return 404, "no such mail"
    original = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    msg = EmailMessage()
    msg["From"] = str(original["To"])
    msg["To"] = str(original.get("Reply-To") or original["From"])
    subject = str(original.get("Subject", ""))
    msg["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    msg["Message-ID"] = make_msgid(domain=original["To"].addresses[0].domain or "demo.invalid")
    if original.get("Message-ID"):
        msg["In-Reply-To"] = str(original["Message-ID"])
        msg["References"] = " ".join(filter(None, [str(original.get("References", "")), str(original["Message-ID"])]))
    body = original.get_body(preferencelist=("plain",))
    quoted = "\n".join("> " + line for line in (body.get_content() if body is not None else "").splitlines())
    msg.set_content(f"{text}\n\nOn {original.get('Date', 'an earlier day')}, {original['From']} wrote:\n{quoted}\n")
    try:
        with smtplib.SMTP(*gateway, timeout=30) as smtp:
            smtp.send_message(msg)
    except smtplib.SMTPDataError as exc:
        return exc.smtp_code, exc.smtp_error.decode("utf-8", "replace")
    except OSError as exc:
        return 503, f"the mail gateway is not reachable: {exc}"
    return 250, "sent to the mail gateway"
