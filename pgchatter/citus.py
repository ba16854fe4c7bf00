"""A local Citus cluster for scale-out tests: a coordinator and two workers, each a private cluster.

Every node is a `PrivateCluster` of its own (data under `.data/citus/<node>`, a Unix socket in its own
directory, no TCP, run by the unprivileged OS user) with `shared_preload_libraries = citus`. The nodes
reach each other through those sockets: Citus's node name is the socket directory (libpq reads a host
that starts with `/` as one). Nothing here is used by `make test` or `make run`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
from psycopg import sql

from pgchatter.cluster import ClusterError, PrivateCluster, find_bindir
from pgchatter.settings import Settings

NODES = ("coordinator", "worker1", "worker2")

# Appended to each node's postgresql.conf once, after the private cluster's own settings.
# max_prepared_transactions: a transaction that writes on two workers commits in two phases.
CITUS_CONFIG = """
# --- pgchatter citus node ---
shared_preload_libraries = 'citus'
max_prepared_transactions = 200
shared_buffers = 128MB
citus.local_hostname = '{socket_dir}'
"""


def installed() -> bool:
    """Citus is built and installed for the PostgreSQL the private clusters use (scripts/citus-build)."""
    try:
        bindir = find_bindir()
    except ClusterError:
        return False
    return (bindir.parent / "lib" / "citus.so").exists()


@dataclass
class CitusCluster:
    settings: Settings

    @property
    def root(self) -> Path:
        return Path(os.environ.get("PGCHATTER_CITUS_DATA", self.settings.data_dir.parent / "citus")).resolve()

    @property
    def base_port(self) -> int:
        return int(os.environ.get("PGCHATTER_CITUS_PORT", "54351"))

    def node(self, name: str) -> PrivateCluster:
        index = NODES.index(name)
        return PrivateCluster(replace(self.settings, data_dir=self.root / name, port=self.base_port + index,
                                      database_url=None))

    @property
    def coordinator(self) -> PrivateCluster:
        return self.node("coordinator")

    @property
    def workers(self) -> list[PrivateCluster]:
        return [self.node(name) for name in NODES[1:]]

    def url(self, database: str | None = None) -> str:
        return self.coordinator.url(database)

    def status(self) -> dict[str, str]:
        return {name: self.node(name).status() for name in NODES}

    def up(self, database: str | None = None) -> list[str]:
        """Start the three nodes, create the database with the extension on each, join the workers.
        Idempotent: a running cluster is reused and a joined worker is not added twice."""
        if not installed():
            raise ClusterError("Citus is not installed: run scripts/citus-build <citus-source> first")
        done = []
        for name in NODES:
            node = self.node(name)
            if node.init():
                with open(node.pgdata / "postgresql.conf", "a") as f:
                    f.write(CITUS_CONFIG.format(socket_dir=node.socket_dir))
            if node.start():
                done.append(f"{name} started")
        db = database or self.settings.database
        for name in NODES:
            self._create_database(self.node(name), db)
        with psycopg.connect(self.url(db), autocommit=True) as conn:
            coord = self.coordinator
            conn.execute("SELECT citus_set_coordinator_host(%s, %s)", (str(coord.socket_dir), coord.settings.port))
            for worker in self.workers:
                host, port = str(worker.socket_dir), worker.settings.port
                known = conn.execute("SELECT 1 FROM pg_dist_node WHERE nodename = %s AND nodeport = %s",
                                     (host, port)).fetchone()
                if not known:
                    conn.execute("SELECT citus_add_node(%s, %s)", (host, port))
                    done.append(f"{worker.root.name} joined")
        return done

    @staticmethod
    def _create_database(node: PrivateCluster, name: str) -> None:
        with psycopg.connect(node.url("postgres"), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        with psycopg.connect(node.url(name), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS citus")

    def drop_database(self, name: str) -> None:
        """Drop one database on every node (the coordinator first: it holds the shard placements)."""
        for node_name in NODES:
            node = self.node(node_name)
            if node.running():
                with psycopg.connect(node.url("postgres"), autocommit=True) as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def down(self) -> list[str]:
        return [f"{name} stopped" for name in NODES if self.node(name).stop()]
