"""The private PostgreSQL cluster used when no DATABASE_URL is given.

It lives under `.data/pg`, listens only on a Unix socket in its own directory (so it can never collide
with a server the user already runs) and is run by an unprivileged OS user, because initdb and postgres
refuse to run as root.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from pgchatter.settings import Settings

SUPERUSER = "postgres"

# Settings appended to postgresql.conf at initdb. Durability stays on: nothing may be lost.
SERVER_CONFIG = """
# --- pgchatter private cluster ---
listen_addresses = ''
unix_socket_directories = '{socket_dir}'
port = {port}
max_connections = 300
shared_buffers = 256MB
max_wal_size = 2GB
log_min_messages = warning
"""


class ClusterError(RuntimeError):
    """The private cluster could not be created, started or stopped."""


def find_bindir() -> Path:
    """The newest PostgreSQL server binaries on the machine (Debian keeps them off PATH)."""
    if env := os.environ.get("PG_BINDIR"):
        return Path(env)
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    if initdb := shutil.which("initdb"):
        return Path(initdb).resolve().parent
    raise ClusterError("PostgreSQL server binaries not found: install postgresql or set PG_BINDIR")


@dataclass
class PrivateCluster:
    settings: Settings

    @property
    def root(self) -> Path:
        return self.settings.data_dir

    @property
    def pgdata(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def logfile(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str | None = None) -> str:
        db = database or self.settings.database
        return f"postgresql://{SUPERUSER}@/{quote(db)}?host={quote(str(self.socket_dir))}&port={self.settings.port}"

    # -- running commands as the cluster's owner -------------------------------------------------

    def _owner(self) -> pwd.struct_passwd | None:
        """The OS user to run as, or None when we are not root and simply run as ourselves."""
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam(self.settings.os_user)
        except KeyError:
            raise ClusterError(
                f"running as root needs the unprivileged OS user {self.settings.os_user!r} "
                "(created by the postgresql package); set PGCHATTER_OS_USER to use another"
            ) from None

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(find_bindir() / tool), *args]
        if (owner := self._owner()) is not None:
            cmd = ["runuser", "-u", owner.pw_name, "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd="/", check=False)
        if check and proc.returncode != 0:
            raise ClusterError(f"{tool} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
        return proc

    # -- lifecycle ---------------------------------------------------------------------------------

    def initialized(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def init(self) -> bool:
        """Create the cluster once; returns False when it already existed."""
        if self.initialized():
            return False
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if (owner := self._owner()) is not None:
            for path in (self.root, self.socket_dir):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run(
            "initdb", "-D", str(self.pgdata), "-U", SUPERUSER, "--auth=trust",
            # Byte-order collation keeps text comparisons (index keys such as messages.model) cheap;
            # the UTF-8 ctype keeps lower()/upper() right for every alphabet (case-insensitive mentions).
            "--encoding=UTF8", "--lc-collate=C", "--lc-ctype=C.UTF-8",
        )
        conf = SERVER_CONFIG.format(socket_dir=self.socket_dir, port=self.settings.port)
        with open(self.pgdata / "postgresql.conf", "a") as f:
            f.write(conf)
        return True

    def running(self) -> bool:
        if not self.initialized():
            return False
        return self._run("pg_ctl", "status", "-D", str(self.pgdata), check=False).returncode == 0

    def start(self) -> bool:
        """Start (creating if needed); returns False when it was already running and is reused."""
        self.init()
        if self.running():
            return False
        self._run("pg_ctl", "start", "-D", str(self.pgdata), "-l", str(self.logfile), "-w", "-t", "60")
        return True

    def stop(self) -> bool:
        """Stop; returns False when it was not running."""
        if not self.running():
            return False
        self._run("pg_ctl", "stop", "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "60")
        return True

    def status(self) -> str:
        if not self.initialized():
            return "absent"
        return "running" if self.running() else "stopped"
