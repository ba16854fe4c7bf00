-- Revert pgchatter:error_codes_comment from pg

BEGIN;

COMMENT ON TABLE chatter.error_codes IS
    'The SQLSTATEs pgchatter raises; the bridge maps them to HTTP statuses from here';

COMMIT;
