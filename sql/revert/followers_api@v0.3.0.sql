-- Revert pgchatter:followers_api from pg

BEGIN;

DROP FUNCTION chatter.record_followers(text, bigint);
DROP FUNCTION chatter.unsubscribe(text, bigint, bigint[]);
DROP FUNCTION chatter.subscribe_channel(text, bigint, bigint, text[]);
DROP FUNCTION chatter.subscribe(text, bigint, bigint[], text[]);
DROP FUNCTION chatter._check_optional_record(text, bigint);
DROP FUNCTION chatter._check_contacts(bigint[]);
DROP FUNCTION chatter._subtype_ids(text, text[]);

COMMIT;
