-- Deploy pgchatter:track_overrides to pg
-- requires: models

BEGIN;

-- Keyed by column number, not name: a renamed column keeps its setting.
CREATE TABLE chatter.tracked_column_overrides (
    tbl    regclass NOT NULL,
    attnum smallint NOT NULL CHECK (attnum > 0),
    track  boolean NOT NULL,
    PRIMARY KEY (tbl, attnum)
);
COMMENT ON TABLE chatter.tracked_column_overrides IS
    'Per-column tracking switched by chatter.track_column, overriding the default for the column type';

COMMIT;
