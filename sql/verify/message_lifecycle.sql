-- Verify pgchatter:message_lifecycle on pg

BEGIN;

SELECT edited_at, deleted_at FROM chatter.messages WHERE false;
SELECT id, message_id, contact_id, emoji, created_at FROM chatter.reactions WHERE false;
SELECT user_id, message_id, created_at FROM chatter.stars WHERE false;
SELECT id, message_id, users, created_at FROM chatter.message_events WHERE false;
SELECT message_id, starred_at FROM chatter.starred WHERE false;
SELECT 1 / count(*) FROM chatter.limits WHERE name = 'emoji_chars';
SELECT 'chatter.edit_message(bigint, text, text)'::regprocedure, 'chatter.delete_message(bigint)'::regprocedure,
       'chatter.react(bigint, text)'::regprocedure, 'chatter.unreact(bigint, text)'::regprocedure,
       'chatter.message_reactions(bigint)'::regprocedure, 'chatter.star(bigint)'::regprocedure,
       'chatter.unstar(bigint)'::regprocedure, 'chatter.channel_reply(bigint, bigint, text, bigint)'::regprocedure;

ROLLBACK;
