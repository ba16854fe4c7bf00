-- Deploy pgchatter:drop_active_contact to pg
-- requires: current_user_id
-- requires: acting_as

-- Nothing calls chatter._active_contact since the acting user's rule is one code template run flat
-- (chatter._acting_user_sql in current_user_id, current_contact_id and _acting_as). Only the @v0.9.0
-- versions of those functions called it; reverting past this change brings it back first.

BEGIN;

DROP FUNCTION chatter._active_contact(bigint);

COMMIT;
