-- Revert pgchatter:create_message from pg

BEGIN;

DROP FUNCTION chatter.notify(text, bigint, text, bigint[], text, bigint);
DROP FUNCTION chatter.log_message(text, bigint, text, bigint);
DROP FUNCTION chatter.create_message(text, text, bigint, chatter.message_type, text, bigint, bigint[], bigint[],
                                     boolean, boolean, text, bigint, text, text);
DROP FUNCTION chatter._author(bigint);
DROP FUNCTION chatter._notify_audience(bigint, boolean, boolean);

COMMIT;
