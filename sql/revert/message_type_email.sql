-- Revert pgchatter:message_type_email from pg

BEGIN;

-- PostgreSQL cannot drop an enum value, and rebuilding the type would drop every function that takes it
-- (create_message among them). The value stays, unused once the gateway's change is reverted (its revert
-- deletes the Email messages); deploying again finds it (ADD VALUE IF NOT EXISTS).
COMMENT ON TYPE chatter.message_type IS
    'Message: a discussion post (may be emailed); Note: internal, never emailed; Tracking: automatic change log';

COMMIT;
