-- Revert pgchatter:message_lifecycle from pg

BEGIN;

DROP FUNCTION chatter.channel_reply(bigint, bigint, text, bigint);
DROP FUNCTION chatter.unstar(bigint);
DROP FUNCTION chatter.star(bigint);
DROP FUNCTION chatter.message_reactions(bigint);
DROP FUNCTION chatter.unreact(bigint, text);
DROP FUNCTION chatter.react(bigint, text);
DROP FUNCTION chatter._readable_message(bigint);
DROP FUNCTION chatter.delete_message(bigint);
DROP FUNCTION chatter._delete_message(bigint);
DROP FUNCTION chatter.edit_message(bigint, text, text);
DROP FUNCTION chatter._edit_message(bigint, text, text);
DROP FUNCTION chatter._own_message(bigint);
DROP FUNCTION chatter._vouch_message(bigint);
DROP VIEW chatter.starred;
DROP TABLE chatter.stars;
DROP TABLE chatter.reactions;
DROP FUNCTION chatter._reactions_changed();
DROP FUNCTION chatter._message_changed(bigint, bigint[]);
DROP TABLE chatter.message_events;
DELETE FROM chatter.limits WHERE name = 'emoji_chars';
ALTER TABLE chatter.messages DROP COLUMN deleted_at, DROP COLUMN edited_at;

COMMIT;
