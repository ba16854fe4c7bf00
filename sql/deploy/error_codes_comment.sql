-- Deploy pgchatter:error_codes_comment to pg
-- requires: error_codes

BEGIN;

-- The comment said the bridge maps the codes "from here"; it keeps its own copy (bridge/errors.py, to answer
-- an error without a query), which tests/test_error_codes.py holds equal to this table.
COMMENT ON TABLE chatter.error_codes IS
    'The SQLSTATEs pgchatter raises and the HTTP status each stands for (bridge/errors.py holds the same map; '
    'tests/test_error_codes.py keeps them equal)';

COMMIT;
