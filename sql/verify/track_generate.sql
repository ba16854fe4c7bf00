-- Verify pgchatter:track_generate on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%OWNER TO chatter_owner%' AND p.prosrc LIKE '%chatter._wake_bridges_sql()%')::integer
  FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._track_install(regclass)'::regprocedure;
-- A single-row UPDATE has its own path (SELECT INTO, no row loop), found without a count, as are
-- INSERTs of up to 64 rows (issue 23).
SELECT 1 / (p.prosrc LIKE '%IF TG_OP = ''UPDATE'' AND NOT EXISTS (SELECT FROM new_rows OFFSET 1) THEN%'
            AND p.prosrc LIKE '%ELSIF TG_OP = ''INSERT'' AND NOT EXISTS (SELECT FROM new_rows OFFSET 64) THEN%')::integer
  FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._track_install(regclass)'::regprocedure;
-- Issue 23: the generated functions write typed tracking values when the table's storage says so.
SELECT 1 / (p.prosrc LIKE '%m.tracking_storage = ''typed''%' AND p.prosrc LIKE '%::chatter.tracking_value%')::integer
  FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._track_install(regclass)'::regprocedure;
-- Issue 23: the subtype tracking's id written as a constant, looked up when the code is generated.
SELECT 1 / (p.prosrc LIKE '%(SELECT s.id::text FROM chatter.subtypes AS s WHERE s.identifier = ''tracking'')%')::integer
  FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._track_install(regclass)'::regprocedure;
-- Issue 23: the bridges' wake-up by the statement NOTIFY, the create_nolog check for INSERTs only.
SELECT 1 / (p.prosrc LIKE '%''NOTIFY chatter_bridge;''%'
            AND p.prosrc LIKE '%IF TG_OP = ''INSERT'' THEN%IF lower(current_setting(''chatter.create_nolog'', true)) = ''on'' THEN%')::integer
  FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._track_install(regclass)'::regprocedure;

ROLLBACK;
