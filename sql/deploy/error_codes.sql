-- Deploy pgchatter:error_codes to pg
-- requires: schema, roles

BEGIN;

CREATE TABLE chatter.error_codes (
    sqlstate    text PRIMARY KEY CHECK (sqlstate ~ '^CH[0-9]{3}$'),
    name        text NOT NULL UNIQUE,
    meaning     text NOT NULL,
    http_status integer NOT NULL CHECK (http_status BETWEEN 400 AND 499)
);
COMMENT ON TABLE chatter.error_codes IS
    'The SQLSTATEs pgchatter raises; the bridge maps them to HTTP statuses from here';
COMMENT ON COLUMN chatter.error_codes.http_status IS 'Status the bridge answers with';

INSERT INTO chatter.error_codes (sqlstate, name, meaning, http_status) VALUES
    ('CH001', 'no_recipient',   'send requested but no valid email recipient', 422),
    ('CH002', 'protected',      'protected activity type', 409),
    ('CH003', 'not_found',      'model not registered, or record not found', 404),
    ('CH004', 'not_allowed',    'not allowed (not a member, archived channel, wrong user)', 403),
    ('CH005', 'invalid_argument', 'invalid argument (bad column, bad type, bad identifier)', 422);

GRANT SELECT ON chatter.error_codes TO chatter_app;

COMMIT;
