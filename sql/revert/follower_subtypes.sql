-- Revert pgchatter:follower_subtypes from pg

BEGIN;

DROP FUNCTION chatter.edit_subscription(text, bigint, text[], bigint);
DROP FUNCTION chatter.model_subtypes(text);
DROP FUNCTION chatter.follower_subtypes(text, bigint);

COMMIT;
