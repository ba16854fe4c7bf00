-- Revert pgchatter:html_text from pg

BEGIN;

DROP FUNCTION chatter._preview(text);
DROP FUNCTION chatter.html_text(text);

COMMIT;
