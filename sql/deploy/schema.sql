-- Deploy pgchatter:schema to pg

BEGIN;

CREATE SCHEMA chatter;
COMMENT ON SCHEMA chatter IS 'pgchatter: messages, tracking, followers, activities and chat for any table';
REVOKE ALL ON SCHEMA chatter FROM PUBLIC;

COMMIT;
