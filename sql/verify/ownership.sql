-- Verify pgchatter:ownership on pg

BEGIN;

-- No SECURITY DEFINER function of chatter is owned by a superuser.
SELECT 1 / (count(*) = 0)::integer
  FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_roles AS r ON r.oid = p.proowner
 WHERE p.pronamespace = 'chatter'::regnamespace AND p.prosecdef AND r.rolsuper;
SELECT 1 / (n.nspowner = (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = 'chatter_owner'))::integer
  FROM pg_catalog.pg_namespace AS n WHERE n.nspname = 'chatter';

ROLLBACK;
