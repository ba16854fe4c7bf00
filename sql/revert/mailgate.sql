-- Revert pgchatter:mailgate from pg

BEGIN;

DROP FUNCTION chatter.mailgate_retry(bigint[]);
DROP FUNCTION chatter.mailgate_fail(bigint, text, text, boolean, integer);
DROP FUNCTION chatter.mailgate_post(bigint, text, text, text, text, text[], text[], bytea[], text[]);
DROP FUNCTION chatter.mailgate_claim(text, integer, interval, integer);
DROP FUNCTION chatter.mailgate_accept(bytea, text, text[], jsonb, text, integer);
DROP TABLE chatter.message_bounces;
DROP TABLE chatter.contact_bounces;
UPDATE chatter.notifications SET email_status = 'failed' WHERE email_status = 'bounced';
ALTER TABLE chatter.notifications DROP CONSTRAINT notifications_email_status_check;
ALTER TABLE chatter.notifications ADD CONSTRAINT notifications_email_status_check
    CHECK (email_status IN ('none', 'pending', 'sent', 'failed'));
DROP VIEW chatter.mailgate_dead_letters;
DROP TABLE chatter.inbound_mails;
DROP TABLE chatter.mail_aliases;
DROP FUNCTION chatter._our_message_ids(text[], text);
DROP FUNCTION chatter._mail_token_check(text);
DROP FUNCTION chatter.mail_reply_to(bigint, bigint, text);
DROP FUNCTION chatter.mail_token(bigint, bigint);
DROP FUNCTION chatter._mail_hmac(text);
DROP TABLE chatter.mail_secret;
DELETE FROM chatter.settings WHERE name IN ('mail_reply_alias', 'mail_token_lifetime');
ALTER TABLE chatter.settings DROP CONSTRAINT settings_mailgate_check;
DROP TRIGGER messages_email_by_gateway ON chatter.messages;
DROP FUNCTION chatter._email_by_gateway();
-- 'Email' messages go with the gateway (the enum value stays: see message_type_email's revert).
DELETE FROM chatter.messages WHERE message_type = 'Email';
REVOKE USAGE ON SCHEMA chatter FROM chatter_mailgate;
-- The role is cluster-wide (other databases may use it): it stays, with no rights here.

COMMIT;
