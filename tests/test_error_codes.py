"""The bridge's SQLSTATE -> HTTP map (bridge/errors.py) and chatter.error_codes say the same thing.

The bridge keeps its own copy so it answers an error without a query; this test is what keeps the copy
true: a code added, dropped or given another status on one side only fails here."""

from __future__ import annotations

from bridge.errors import CHATTER_CODES, status_for


def test_chatter_codes_are_the_error_codes_table(deployed_db, connect):
    with connect(deployed_db) as conn:
        table = dict(conn.execute("SELECT sqlstate, http_status FROM chatter.error_codes").fetchall())
    assert table, "chatter.error_codes is empty"
    assert set(CHATTER_CODES) == set(table), "codes on one side only"
    assert CHATTER_CODES == table, "a code with another HTTP status on each side"


def test_every_chatter_code_answers_its_status():
    """status_for uses the map before PostgreSQL's classes: a CH code never falls through to a 500."""
    for sqlstate, status in CHATTER_CODES.items():
        assert status_for(sqlstate) == status
        assert 400 <= status < 500
