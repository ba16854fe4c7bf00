"""Shared fixtures: the database the suite runs against (the private cluster unless DATABASE_URL is set)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.parse
import uuid
from collections.abc import Iterator

import hypothesis
import psycopg
import pytest
from psycopg import sql

from pgchatter import database
from pgchatter.cluster import PrivateCluster
from pgchatter.settings import PROJECT_ROOT, Settings

# Hypothesis seeds. Locally every run draws new examples (a random seed, Hypothesis' default), so the
# property tests keep exploring; a failure prints the seed and the example to reproduce it. In CI (the CI
# environment variable, which .ci/run sets) the "ci" profile derandomizes: the examples are a fixed
# function of each test, the same on every run, so CI never fails on a draw that the previous run did not
# make. HYPOTHESIS_PROFILE=ci reproduces a CI run locally. Loaded here, before the test modules build
# their own settings(...) objects, which inherit every value they do not set from this profile. (Recent
# Hypothesis loads a built-in "ci" profile by itself when CI is set; these two say it explicitly.)
hypothesis.settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis.settings.register_profile("dev", derandomize=False)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real `pgchatter` command, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "pgchatter", *args],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env={**os.environ, **(env or {})}, timeout=300,
        check=False,
    )


@pytest.fixture(scope="session")
def settings() -> Settings:
    settings = Settings.from_env()
    database.ensure_server(settings)
    return settings


@pytest.fixture
def scratch_db(settings: Settings):
    """A database name of its own for one test, dropped afterwards."""
    name = f"pgchatter_scratch_{uuid.uuid4().hex[:10]}"
    yield name
    database.drop_database(database.database_url(settings, name))


@pytest.fixture
def connect(settings: Settings):
    def _connect(name: str) -> psycopg.Connection:
        return psycopg.connect(database.database_url(settings, name), autocommit=True)
    return _connect


def demo_database(settings: Settings, prefix: str) -> Iterator[str]:
    """A database deployed with the real CLI and seeded with the demo data (the page's tests); its URL,
    dropped afterwards. For module fixtures: `yield from demo_database(settings, "name")`."""
    from demo import data as demo_data

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    deployed = run_cli("deploy", "--db", name, "--fresh")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    url = database.database_url(settings, name)
    assert demo_data.seed(url)
    yield url
    database.drop_database(url)


# -- Citus mode ----------------------------------------------------------------------------------------------
# scripts/citus-test (make test-citus) runs the bridge and listener tests against a Citus coordinator:
# DATABASE_URL names the coordinator, PGCHATTER_TEST_CITUS a database already deployed and distributed
# there (sql/citus/), PGCHATTER_TEST_CITUS_BRIDGE a second one for the session's bridge_db. A distributed
# database cannot be copied with CREATE DATABASE ... TEMPLATE (its shards live in the same-named database
# on every worker), so in this mode copy_of hands out the one database, cleaned back to its deployed state
# (citus_clean), and nothing is dropped. Without PGCHATTER_TEST_CITUS nothing here is used.

CITUS_DB = os.environ.get("PGCHATTER_TEST_CITUS") or None
CITUS_BRIDGE_DB = os.environ.get("PGCHATTER_TEST_CITUS_BRIDGE") or None
CITUS_SEED = "pgchatter_test_seed"    # the deployed rows of the chatter tables, kept once per session
if CITUS_DB is not None:
    # The bridges the tests start (in-process or as servers) run in their Citus mode (bridge/config.py).
    os.environ.setdefault("CHATTER_CITUS", "1")


def citus_snapshot(url: str) -> None:
    """Keep the deployed state of a distributed database (rows of the tables that have any, every
    sequence of the schema) in plain tables of the coordinator, once; citus_clean restores it."""
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (CITUS_SEED,)).fetchone():
            return
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(CITUS_SEED)))
        tables = [r[0] for r in conn.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'chatter'::regnamespace AND c.relkind = 'r' "
            "ORDER BY 1")]
        for table in tables:
            if conn.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM chatter.{})").format(sql.Identifier(table))).fetchone()[0]:
                conn.execute(sql.SQL("CREATE TABLE {}.{} AS TABLE chatter.{}").format(
                    sql.Identifier(CITUS_SEED), sql.Identifier(table), sql.Identifier(table)))
        conn.execute(sql.SQL("CREATE TABLE {}.sequences AS SELECT s.schemaname || '.' || s.sequencename AS seq, "
                             "s.last_value FROM pg_sequences s WHERE s.schemaname = 'chatter'").format(
                                 sql.Identifier(CITUS_SEED)))


def citus_clean(url: str) -> None:
    """The distributed database back to its deployed state (citus_snapshot), in place of a fresh copy:
    the tests' own tables in public dropped, every chatter table emptied, the deployed rows put back and
    the sequences set back."""
    with psycopg.connect(url, autocommit=True) as conn:
        for table, kind in conn.execute(
                "SELECT c.oid::regclass::text, c.relkind FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
                "AND c.relkind IN ('r', 'p', 'v') AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid "
                "AND d.deptype = 'e') ORDER BY c.relkind DESC").fetchall():
            conn.execute(f"DROP {'VIEW' if kind == 'v' else 'TABLE'} IF EXISTS {table} CASCADE")
        tables = [r[0] for r in conn.execute(
            "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = 'chatter'::regnamespace "
            "AND c.relkind = 'r' ORDER BY 1")]
        # chatter.subtypes refuses a TRUNCATE (subtypes_protect_truncate, CH002, on its shards too: an ALTER
        # TABLE … DISABLE TRIGGER of a TRUNCATE trigger does not reach them): it is put back row by row below.
        conn.execute("TRUNCATE " + ", ".join(t for t in tables if t != "chatter.subtypes") + " CASCADE")
        seeded = [r[0] for r in conn.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r' "
            "AND c.relname <> 'sequences'", (CITUS_SEED,))]
        if "subtypes" in seeded:    # the deployed rows, ids included (the tracking functions carry the ids)
            seeded.remove("subtypes")
            kept = [r[0] for r in conn.execute(sql.SQL("SELECT id FROM {}.subtypes").format(sql.Identifier(CITUS_SEED)))]
            conn.execute("DELETE FROM chatter.subtypes WHERE id <> ALL (%s)", (kept,))
            conn.execute(sql.SQL(
                "INSERT INTO chatter.subtypes AS s OVERRIDING SYSTEM VALUE SELECT * FROM {}.subtypes "
                "ON CONFLICT (id) DO UPDATE SET identifier = excluded.identifier, name = excluded.name, "
                "description = excluded.description, internal = excluded.internal, is_default = excluded.is_default, "
                "model = excluded.model").format(sql.Identifier(CITUS_SEED)))
        # Referenced tables first: the seeded ones reference little, and in this order the keys hold.
        order = {"error_codes": 0, "contacts": 1, "users": 2, "subtypes": 3, "models": 4}
        for table in sorted(seeded, key=lambda t: (order.get(t, 9), t)):
            conn.execute(sql.SQL("INSERT INTO chatter.{} OVERRIDING SYSTEM VALUE SELECT * FROM {}.{}").format(
                sql.Identifier(table), sql.Identifier(CITUS_SEED), sql.Identifier(table)))
        conn.execute(sql.SQL("SELECT setval(s.seq, coalesce(s.last_value, 1), s.last_value IS NOT NULL) "
                             "FROM {}.sequences s").format(sql.Identifier(CITUS_SEED)))


def citus_url(settings: Settings, name: str) -> str:
    """A URL (asyncpg takes no key=value conninfo) of database name on the coordinator of DATABASE_URL."""
    parts = urllib.parse.urlsplit(settings.database_url or "")
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def run_seed(conn: psycopg.Connection, script: str) -> None:
    """A fixture script of several statements: one implicit transaction, or in Citus mode one transaction
    per statement. On Citus the rows the superuser writes in a transaction are invisible to the
    SECURITY DEFINER functions (chatter_owner) it calls next in the same transaction (class B in
    docs/scaling.md, measured by make test-citus's pgTAP run); committed first, as an application that
    creates its contacts and then subscribes them in two transactions would."""
    if CITUS_DB is None:
        conn.execute(script)
        return
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def release(url: str) -> None:
    """Drop a test's database copy; in Citus mode the one distributed database stays (citus_clean)."""
    if CITUS_DB is None:
        database.drop_database(url)


# -- delivery (listener) tests ------------------------------------------------------------------------------

TEMPLATE = "pgchatter_template"


@pytest.fixture(scope="session")
def deployed_template(settings: Settings) -> Iterator[str]:
    """Deployed once per session with the real CLI; tests work on copies of it (copy_of)."""
    if CITUS_DB is not None:
        citus_snapshot(citus_url(settings, CITUS_DB))
        yield CITUS_DB
        return
    proc = run_cli("deploy", "--db", TEMPLATE, "--fresh")
    assert proc.returncode == 0, proc.stderr
    yield TEMPLATE
    database.drop_database(database.database_url(settings, TEMPLATE))


def copy_of(settings: Settings, template: str, prefix: str) -> tuple[str, str]:
    """A new database copied from the deployed template (CREATE DATABASE ... TEMPLATE: a second, where a
    sqitch deploy takes ten); its name and URL. The caller drops it (release). In Citus mode: the
    distributed database itself, cleaned back to its deployed state."""
    if CITUS_DB is not None:
        url = citus_url(settings, template)
        citus_clean(url)
        return template, url
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database.database_url(settings, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                       sql.Identifier(template)))
    return name, database.database_url(settings, name)


@pytest.fixture
def deployed_db(settings: Settings, deployed_template: str) -> Iterator[str]:
    """The name of a fresh copy of the deployed schema for one test (for connect(name))."""
    name, url = copy_of(settings, deployed_template, "pgchatter_test_copy")
    yield name
    release(url)


@pytest.fixture
def db_url(settings: Settings, deployed_template: str) -> Iterator[str]:
    """A fresh copy of the deployed schema for one test; its URL."""
    _, url = copy_of(settings, deployed_template, "pgchatter_test_copy")
    yield url
    release(url)


# --- the HTTP bridge ---------------------------------------------------------------------------------

BRIDGE_SEED = """
INSERT INTO chatter.contacts (id, name, email) VALUES
    (1, 'Alice Martin', 'alice@example.invalid'), (2, 'Bob Stone', 'bob@example.invalid'),
    (3, 'Carol Diaz', 'carol@example.invalid');
INSERT INTO chatter.users (id, contact_id, username) VALUES (1, 1, 'alice'), (2, 2, 'bob'), (3, 3, 'carol');
CREATE TABLE public.orders (id bigint PRIMARY KEY, name text NOT NULL, state varchar(20),
                            contact_id bigint REFERENCES chatter.contacts (id));
CREATE TABLE public.secrets (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO public.orders VALUES (1, 'SO001', 'draft', 2), (2, 'SO002', 'draft', NULL);
INSERT INTO public.secrets VALUES (1, 'Salaries');
SELECT chatter.enable('orders', contact_columns => '{contact_id}');
SELECT chatter.enable('secrets');
GRANT SELECT ON public.orders TO chatter_app;      -- orders' chatter is readable by users; secrets' is not
"""


class BridgeDb:
    """A deployed database with three users (alice 1, bob 2, carol 3) and a token each."""

    def __init__(self, name: str, url: str, tokens: dict[str, str]) -> None:
        self.name, self.url, self.tokens = name, url, tokens

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)


@pytest.fixture(scope="session")
def bridge_db(settings: Settings, deployed_template: str):
    if CITUS_BRIDGE_DB is not None:   # Citus mode: a second distributed database, the session's own
        name, url = CITUS_BRIDGE_DB, citus_url(settings, CITUS_BRIDGE_DB)
        citus_snapshot(url)
        citus_clean(url)
    else:
        name, url = copy_of(settings, deployed_template, "pgchatter_bridge")
    with psycopg.connect(url, autocommit=True) as conn:
        run_seed(conn, BRIDGE_SEED)
        tokens = {user: conn.execute("SELECT chatter.token_create(%s, 'tests')", (user,)).fetchone()[0]
                  for user in ("alice", "bob", "carol")}
    yield BridgeDb(name, url, tokens)
    if CITUS_BRIDGE_DB is None:
        database.drop_database(url)


@pytest.fixture(scope="session")
def api(bridge_db: BridgeDb):
    """The FastAPI app in process (lifespan included: pool and relay), on the bridge database."""
    from fastapi.testclient import TestClient

    from bridge.app import create_app
    from bridge.config import BridgeSettings

    app = create_app(BridgeSettings.from_env({**os.environ, "DATABASE_URL": bridge_db.url}))
    with TestClient(app) as client:
        yield client


# -- faults: a cluster of one's own to restart -------------------------------------------------------------

@pytest.fixture
def own_cluster(settings: Settings, deployed_template: str) -> Iterator[tuple[PrivateCluster, str]]:
    """A private cluster of its own, so restarting it disturbs no other test; the schema is a copy of the
    deployed template (pg_dump | psql: seconds, where a second sqitch deploy takes ten)."""
    root = PROJECT_ROOT / ".data" / f"restart-{uuid.uuid4().hex[:6]}"
    own = PrivateCluster(Settings(database_url=None, data_dir=root, database="pgchatter_restart", port=54331,
                                  os_user=settings.os_user))
    try:
        own.start()
        url = own.url()
        database.create_database(url)
        with psycopg.connect(url, autocommit=True) as conn:
            # Roles are the cluster's, not in the dump: as sql/deploy/roles.sql and owner_role.sql make them.
            conn.execute("CREATE ROLE chatter_app NOLOGIN")
            conn.execute("CREATE ROLE chatter_owner NOLOGIN BYPASSRLS")
            conn.execute("CREATE ROLE chatter_mailgate NOLOGIN")   # as sql/deploy/mailgate.sql
            conn.execute("GRANT SET ON PARAMETER session_replication_role TO chatter_owner")
        dump = subprocess.run(["pg_dump", database.database_url(settings, deployed_template)],
                              capture_output=True, check=True).stdout
        subprocess.run(["psql", "-qX", "-v", "ON_ERROR_STOP=1", url], input=dump, capture_output=True, check=True)
        yield own, url
    finally:
        own.stop()
        shutil.rmtree(root, ignore_errors=True)
