-- Revert pgchatter:activity_overview from pg

BEGIN;

DROP VIEW chatter.activity_overview;

COMMIT;
