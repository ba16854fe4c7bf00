"""`pgchatter deploy` / `revert` run sqitch for real against the suite's server."""

from __future__ import annotations

from tests.conftest import run_cli


def _chatter_schema_exists(conn) -> bool:
    return conn.execute("SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'chatter')").fetchone()[0]


def test_deploy_revert_deploy(scratch_db, connect):
    deployed = run_cli("deploy", "--db", scratch_db, "--fresh")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    with connect(scratch_db) as conn:
        assert _chatter_schema_exists(conn)
        assert conn.execute("SELECT count(*) FROM chatter.error_codes").fetchone() == (5,)

    again = run_cli("deploy", "--db", scratch_db)
    assert again.returncode == 0
    assert "Nothing to deploy" in again.stdout

    reverted = run_cli("revert", "--db", scratch_db)
    assert reverted.returncode == 0, reverted.stdout + reverted.stderr
    with connect(scratch_db) as conn:
        assert not _chatter_schema_exists(conn)

    assert run_cli("deploy", "--db", scratch_db).returncode == 0
    with connect(scratch_db) as conn:
        assert _chatter_schema_exists(conn)


def test_enable_from_plain_sql(scratch_db, connect):
    """The README's opt-in example works as written."""
    assert run_cli("deploy", "--db", scratch_db, "--fresh").returncode == 0
    with connect(scratch_db) as conn:
        conn.execute("""
            CREATE TABLE sale_orders (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name text NOT NULL,
                contact_id bigint REFERENCES chatter.contacts (id));
            SELECT chatter.enable('sale_orders', contact_columns => '{contact_id}');
        """)
        row = conn.execute("SELECT model, collaborate, track FROM chatter.models").fetchone()
        assert row == ("sale_orders", True, True)


def test_unique_channel_names_rename_existing_duplicates(scratch_db, connect):
    """The create_channel rework makes names unique per kind (case-insensitively): a database with
    duplicates deploys, the oldest keeps its name, the others get their id appended; revert keeps them."""
    assert run_cli("deploy", "--db", scratch_db, "--fresh").returncode == 0
    assert run_cli("revert", "--db", scratch_db, "--to", "@v0.5.0").returncode == 0
    with connect(scratch_db) as conn:
        ids = [r[0] for r in conn.execute(
            """INSERT INTO chatter.channels (name, kind) VALUES ('general', 'Public'), ('General', 'Public'),
                      ('general', 'Private'), ('GENERAL', 'Public') RETURNING id""").fetchall()]
    deployed = run_cli("deploy", "--db", scratch_db)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    with connect(scratch_db) as conn:
        names = conn.execute("SELECT name, kind::text FROM chatter.channels ORDER BY id").fetchall()
    assert names == [("general", "Public"), (f"General ({ids[1]})", "Public"), ("general", "Private"),
                     (f"GENERAL ({ids[3]})", "Public")]
