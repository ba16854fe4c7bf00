-- Verify pgchatter:subtypes on pg

BEGIN;

SELECT id, identifier, name, description, internal, is_default, model FROM chatter.subtypes WHERE false;
SELECT 1 / (count(*) = 4)::int FROM chatter.subtypes
 WHERE identifier IN ('comment', 'note', 'activities', 'tracking');

ROLLBACK;
