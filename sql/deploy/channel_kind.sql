-- Deploy pgchatter:channel_kind to pg
-- requires: schema, roles

BEGIN;

CREATE TYPE chatter.channel_kind AS ENUM ('Public', 'Private', 'Direct');
COMMENT ON TYPE chatter.channel_kind IS
    'Public: anyone may see and join; Private: members only, joined by invitation; Direct: a one-to-one DM';
GRANT USAGE ON TYPE chatter.channel_kind TO chatter_app;

COMMIT;
