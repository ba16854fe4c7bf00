"""The bridge's Citus mode (CHATTER_CITUS=1, docs/bridge.md) on one node: a route that writes commits and
reads its answer in a second transaction, authenticated again as the same user (bridge.db.Session.written).
One node runs it too, so this proves the answers and the acting user of the second transaction; what Citus
does with it is measured by make test-citus (docs/scaling.md)."""

from __future__ import annotations

import os

import psycopg
import pytest


@pytest.fixture(scope="module")
def citus_api(bridge_db):
    from fastapi.testclient import TestClient

    from bridge.app import create_app
    from bridge.config import BridgeSettings

    settings = BridgeSettings.from_env({**os.environ, "DATABASE_URL": bridge_db.url, "CHATTER_CITUS": "1"})
    assert settings.citus
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_switch_is_off_unless_set():
    from bridge.config import BridgeSettings

    assert not BridgeSettings.from_env({"CHATTER_CITUS": ""}).citus
    assert BridgeSettings.from_env({"CHATTER_CITUS": "1"}).citus


def test_a_write_is_answered_from_a_second_transaction_as_the_same_user(citus_api, bridge_db):
    alice = bridge_db.headers("alice")
    r = citus_api.post("/api/send_message", headers=alice,
                       json={"body": "<p>Citus mode</p>", "model": "orders", "document": 1})
    assert r.status_code == 201, r.text
    msg = r.json()
    # starred is read from chatter.user_id (message_wire): true only if the read after the commit acts as alice
    r = citus_api.put(f"/api/messages/{msg['id']}/star", headers=alice)
    assert r.status_code == 200, r.text
    assert r.json()["starred"] is True
    r = citus_api.post("/api/channels", headers=alice, json={"name": "citus-mode", "kind": "Public"})
    assert r.status_code == 201, r.text
    assert r.json()["is_member"] is True and r.json()["name"] == "citus-mode"
    with psycopg.connect(bridge_db.url) as conn:
        assert conn.execute("SELECT count(*) FROM chatter.stars WHERE message_id = %s", (msg["id"],)).fetchone()[0] == 1

