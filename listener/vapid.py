"""VAPID keys for Web Push: generate once (`pgchatter vapid generate`), load from settings."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def application_server_key(vapid: Vapid) -> str:
    """The public key as browsers want it in PushManager.subscribe (uncompressed P-256 point, base64url)."""
    raw = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(raw)


def load(key: str) -> Vapid:
    """A PEM file, PEM text, or a base64url DER / raw private key."""
    if Path(key).is_file():
        return Vapid.from_file(key)
    if key.lstrip().startswith("-----BEGIN"):
        return Vapid.from_pem(key.encode())
    return Vapid.from_string(key)


def generate(directory: Path, *, force: bool = False) -> tuple[Path, Vapid]:
    """Write private_key.pem (mode 0600) and public_key.pem into directory."""
    directory.mkdir(parents=True, exist_ok=True)
    private = directory / "private_key.pem"
    if private.exists() and not force:
        raise FileExistsError(f"{private} exists (use --force to replace it: subscriptions made with the old "
                              "key stop working)")
    vapid = Vapid()
    vapid.generate_keys()
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(vapid.private_pem())
    (directory / "public_key.pem").write_bytes(vapid.public_pem())
    return private, vapid
