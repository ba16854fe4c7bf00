-- Deploy pgchatter:message_type to pg
-- requires: schema, roles

BEGIN;

CREATE TYPE chatter.message_type AS ENUM ('Message', 'Note', 'Tracking');
COMMENT ON TYPE chatter.message_type IS
    'Message: a discussion post (may be emailed); Note: internal, never emailed; Tracking: automatic change log';
GRANT USAGE ON TYPE chatter.message_type TO chatter_app;

COMMIT;
