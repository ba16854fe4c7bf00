-- Revert pgchatter:enable from pg

BEGIN;

DROP FUNCTION chatter.disable(regclass);
DROP FUNCTION chatter.enable(regclass, boolean, boolean, text[], text, text);
DROP FUNCTION chatter._check_contact_columns(regclass, text[]);
DROP FUNCTION chatter._default_model_name(regclass);
DROP FUNCTION chatter._integer_key(regclass);

COMMIT;
