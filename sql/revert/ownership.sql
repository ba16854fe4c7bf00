-- Revert pgchatter:ownership from pg
-- Everything chatter_owner owns in this database goes back to the role reverting (the deploying superuser).

BEGIN;

DO $$
BEGIN
    EXECUTE pg_catalog.format('REASSIGN OWNED BY chatter_owner TO %I', current_user);
END
$$;

COMMIT;
