-- Revert pgchatter:track_columns from pg

BEGIN;

DROP VIEW chatter.tracked_columns;
DROP FUNCTION chatter._tracked_columns(regclass);
DROP FUNCTION chatter._display_column(regclass);
DROP FUNCTION chatter._humanize(name);
DROP FUNCTION chatter._html_escape(text);

COMMIT;
