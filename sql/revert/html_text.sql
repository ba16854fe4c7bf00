-- Revert pgchatter:html_text from pg

BEGIN;

DROP FUNCTION chatter.html_text(text);

COMMIT;
