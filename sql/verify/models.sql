-- Verify pgchatter:models on pg

BEGIN;

SELECT model, "table", key_column, collaborate, track, contact_columns, label, enabled_at
  FROM chatter.models WHERE false;

ROLLBACK;
