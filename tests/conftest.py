"""Shared fixtures: the database the suite runs against (the private cluster unless DATABASE_URL is set)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


# -- delivery (listener) tests ------------------------------------------------------------------------------

TEMPLATE = "pgchatter_template"


@pytest.fixture(scope="session")
def deployed_template(settings: Settings) -> Iterator[str]:
    """Deployed once per session with the real CLI; tests work on copies of it (copy_of)."""
    proc = run_cli("deploy", "--db", TEMPLATE, "--fresh")
    assert proc.returncode == 0, proc.stderr
    yield TEMPLATE
    database.drop_database(database.database_url(settings, TEMPLATE))


def copy_of(settings: Settings, template: str, prefix: str) -> tuple[str, str]:
    """A new database copied from the deployed template (CREATE DATABASE ... TEMPLATE: a second, where a
    sqitch deploy takes ten); its name and URL. The caller drops it."""
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
    database.drop_database(url)


@pytest.fixture
def db_url(settings: Settings, deployed_template: str) -> Iterator[str]:
    """A fresh copy of the deployed schema for one test; its URL."""
    _, url = copy_of(settings, deployed_template, "pgchatter_test_copy")
    yield url
    database.drop_database(url)


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
    name, url = copy_of(settings, deployed_template, "pgchatter_bridge")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(BRIDGE_SEED)
        tokens = {user: conn.execute("SELECT chatter.token_create(%s, 'tests')", (user,)).fetchone()[0]
                  for user in ("alice", "bob", "carol")}
    yield BridgeDb(name, url, tokens)
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
