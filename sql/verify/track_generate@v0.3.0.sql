-- Verify pgchatter:track_generate on pg

BEGIN;

SELECT 'chatter._track_install(regclass)'::regprocedure, 'chatter._track_uninstall(regclass)'::regprocedure,
       'chatter._track_display_sql(text, name, regtype, regclass, name, name)'::regprocedure,
       'chatter._html_escape_sql(text)'::regprocedure,
       'chatter._track_bulk_begin(bigint)'::regprocedure;

ROLLBACK;
