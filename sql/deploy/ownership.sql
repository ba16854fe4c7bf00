-- Deploy pgchatter:ownership to pg
-- requires: owner_role, track_generate, readable_generate, enable, track_ddl, record_reads, activity_check,
--           channel_membership, record_rls_rows

BEGIN;

-- Everything in schema chatter belongs to chatter_owner, a role that is not a superuser (SPEC 2a): its
-- SECURITY DEFINER functions run with chatter_owner's privileges. Run after every change that creates
-- objects (a later change creating one adds its own ALTER ... OWNER TO chatter_owner; schema_test checks
-- every definer function's owner). The DDL event triggers stay with the superuser who created them, as
-- PostgreSQL requires; the functions they run are chatter_owner's.
ALTER SCHEMA chatter OWNER TO chatter_owner;

DO $$
DECLARE
    ddl text;
BEGIN
    FOR ddl IN
        -- Tables (their indexes and identity sequences follow), views, free-standing sequences.
        SELECT pg_catalog.format('ALTER %s %s OWNER TO chatter_owner',
                                 CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                                WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid::regclass)
          FROM pg_catalog.pg_class AS c
         WHERE c.relnamespace = 'chatter'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_catalog.pg_depend AS d
                                                 WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
        UNION ALL
        SELECT pg_catalog.format('ALTER ROUTINE %s OWNER TO chatter_owner', p.oid::regprocedure)
          FROM pg_catalog.pg_proc AS p WHERE p.pronamespace = 'chatter'::regnamespace
        UNION ALL
        SELECT pg_catalog.format('ALTER TYPE %s OWNER TO chatter_owner', t.oid::regtype)
          FROM pg_catalog.pg_type AS t
         WHERE t.typnamespace = 'chatter'::regnamespace AND t.typtype IN ('e', 'd')
    LOOP
        EXECUTE ddl;
    END LOOP;
END
$$;

-- Tables opted in before enable() granted them.
SELECT chatter._grant_to_owner(m."table", 'SELECT') FROM chatter.models AS m;

COMMIT;
