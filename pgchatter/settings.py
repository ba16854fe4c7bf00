"""Configuration by environment, read once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    """An explicit server; when unset the private cluster is used."""
    data_dir: Path
    """Where the private cluster lives (`.data/pg` under the project)."""
    database: str
    """Database name inside the private cluster."""
    port: int
    """Port of the private cluster; only names its Unix socket, nothing listens on TCP."""
    os_user: str
    """Unprivileged OS user that runs the private cluster when we are root."""

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            data_dir=Path(env.get("PGCHATTER_DATA", PROJECT_ROOT / ".data" / "pg")).resolve(),
            database=env.get("PGCHATTER_DB", "pgchatter"),
            port=int(env.get("PGCHATTER_PORT", "54329")),
            os_user=env.get("PGCHATTER_OS_USER", "postgres"),
        )
