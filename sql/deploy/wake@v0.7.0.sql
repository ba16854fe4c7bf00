-- Deploy pgchatter:wake to pg
-- requires: wake@v0.5.0

BEGIN;

-- The wake-up triggers run as the writer: an application writing chatter rows with plain SQL (a direct
-- INSERT under a policy) must be able to wake the daemons too. Harmless: any role may NOTIFY anything,
-- and the daemons never trust a payload.
GRANT EXECUTE ON FUNCTION chatter._wake(text) TO chatter_app;

COMMIT;
