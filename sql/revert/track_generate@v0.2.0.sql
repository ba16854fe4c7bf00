-- Revert pgchatter:track_generate from pg

BEGIN;

-- The generated functions and triggers go with the generator.
SELECT chatter._track_uninstall(m."table") FROM chatter.models AS m;

DROP FUNCTION chatter._track_uninstall(regclass);
DROP FUNCTION chatter._track_install(regclass);
DROP FUNCTION chatter._track_display_sql(text, name, regtype, regclass, name, name);
DROP FUNCTION chatter._html_escape_sql(text);

COMMIT;
