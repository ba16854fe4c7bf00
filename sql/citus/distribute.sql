-- Distribute the deployed chatter schema on a Citus coordinator (docs/scaling.md, "Distribution").
-- Run as the superuser on the coordinator after `sqitch deploy`, once, then sql/citus/functions.sql
-- (scripts/citus-test and bench/scaling.py do both): psql -v DBNAME=<database> -f distribute.sql
-- Nothing here is part of the Sqitch plan: a single-node deployment never runs it.
-- Each step that differs from the plan in docs/scaling.md says why: the engine refused the plan's form.
\set ON_ERROR_STOP 1

-- Triggers on distributed tables run on the shards; Citus refuses to distribute a table with triggers
-- unless told that they are safe there. The limits and body_html triggers are; the two that are not
-- (the bridges' wake-up, the marker reads) are disabled by functions.sql, which does their work.
ALTER DATABASE :"DBNAME" SET citus.enable_unsafe_triggers = on;
-- Joins of tables distributed on different columns (followers by document with channel_members by
-- channel_id, in record_followers) are refused unless Citus may repartition them: slow, but right.
ALTER DATABASE :"DBNAME" SET citus.enable_repartition_joins = on;
SET citus.enable_unsafe_triggers = on;
-- 8 shards rather than the default 32: a statement that asks every shard opens fewer connections.
SET citus.shard_count = 8;

-- Citus reaches the shards on the workers as the current user: chatter_app (RLS tests, the bridge)
-- and chatter_owner (every SECURITY DEFINER function, the event triggers). Both are NOLOGIN by design;
-- on the workers only they must log in (not propagated: a worker with metadata would pass it on to
-- the coordinator). Anyone who can reach a worker's socket may then connect as them: in production
-- the workers' pg_hba.conf admits these roles from the coordinator alone.
SELECT run_command_on_workers('SET citus.enable_alter_role_propagation = off; ALTER ROLE chatter_app LOGIN');
SELECT run_command_on_workers('SET citus.enable_alter_role_propagation = off; ALTER ROLE chatter_owner LOGIN');
-- Parameter privileges are not propagated either: the generated tracking functions (enable(), a
-- SECURITY DEFINER CREATE FUNCTION ... SET chatter.wakes_bridges = on) are created on the workers too,
-- and there chatter_owner was refused ("permission denied to set parameter") unless the superuser ran
-- enable(). The same grant as sql/deploy/realtime_wakeup.sql, on the workers.
SELECT run_command_on_workers('GRANT SET ON PARAMETER chatter.wakes_bridges TO chatter_owner');

-- Converting a table into a Citus table (a reference table, or a Citus-local one when it references
-- one) loses its COMMENT: kept here, put back at the end.
CREATE TEMP TABLE citus_comments AS
SELECT c.oid::regclass::text AS tbl, CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END AS kind,
       obj_description(c.oid, 'pg_class') AS comment
  FROM pg_class c WHERE c.relnamespace = 'chatter'::regnamespace AND c.relkind IN ('r', 'p', 'v')
   AND obj_description(c.oid, 'pg_class') IS NOT NULL;

BEGIN;

-- 1. Row-level policies without subqueries --------------------------------------------------------
-- Citus refuses any subquery in a policy on a distributed, reference or Citus-local table ("Subqueries
-- are not supported in policies on distributed tables"). Our policies use `(SELECT f())` so that f runs
-- once per statement (an initplan), and EXISTS (...) over another table. The first becomes a plain call
-- of the same STABLE function (evaluated per row: slower, same answer); each EXISTS becomes one of the
-- invoker helpers below, which run the same subquery under the caller's own row-level security.

CREATE FUNCTION chatter._citus_message_visible(message_id bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = '' AS
-- $1, never the parameter's name: in a SQL function a column of the same name would win
$$ SELECT EXISTS (SELECT 1 FROM chatter.messages m WHERE m.id = $1) $$;
CREATE FUNCTION chatter._citus_message_live(message_id bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = '' AS
$$ SELECT EXISTS (SELECT 1 FROM chatter.messages m WHERE m.id = $1 AND m.deleted_at IS NULL) $$;
CREATE FUNCTION chatter._citus_channel_visible(channel_id bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = '' AS
$$ SELECT EXISTS (SELECT 1 FROM chatter.channels c WHERE c.id = $1) $$;
CREATE FUNCTION chatter._citus_is_my_channel(channel_id bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = '' AS
$$ SELECT $1 IN (SELECT chatter._my_channel_ids()) $$;
CREATE FUNCTION chatter._citus_subtype_internal(subtype_id bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = '' AS
$$ SELECT EXISTS (SELECT 1 FROM chatter.subtypes s WHERE s.id = $1 AND s.internal) $$;
CREATE FUNCTION chatter._citus_attachment_linked(attachment_id bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = '' AS
$$ SELECT EXISTS (SELECT 1 FROM chatter.message_attachments ma WHERE ma.attachment_id = $1) $$;
CREATE FUNCTION chatter._citus_contact_is_user(contact_id bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = '' AS
$$ SELECT EXISTS (SELECT 1 FROM chatter.users u WHERE u.contact_id = $1) $$;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_proc p WHERE p.pronamespace = 'chatter'::regnamespace
                                           AND p.proname LIKE '\_citus\_%' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO chatter_owner', f);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO chatter_app', f);
    END LOOP;
END $$;

-- Each policy's expression, rewritten: the subqueries replaced by the helpers, then `(SELECT f() AS f)`
-- by `f()`. A policy that still holds a SELECT afterwards is a rewrite this script does not know: fail.
CREATE TEMP TABLE citus_policy_rewrites (pattern text, replacement text);
INSERT INTO citus_policy_rewrites VALUES
    ('\(EXISTS \( SELECT\s+FROM chatter\.messages m\s+WHERE \(\(m\.id = (\w+)\.message_id\) AND \(m\.deleted_at IS NULL\)\)\)\)',
     'chatter._citus_message_live(\1.message_id)'),
    ('\(EXISTS \( SELECT\s+FROM chatter\.messages m\s+WHERE \(m\.id = (\w+)\.message_id\)\)\)',
     'chatter._citus_message_visible(\1.message_id)'),
    ('\((\w+) IN \( SELECT c\.id\s+FROM chatter\.channels c\)\)', 'chatter._citus_channel_visible(\1)'),
    ('\((\w+) IN \( SELECT chatter\._my_channel_ids\(\) AS _my_channel_ids\)\)', 'chatter._citus_is_my_channel(\1)'),
    ('\(EXISTS \( SELECT\s+FROM chatter\.subtypes s\s+WHERE \(\(s\.id = messages\.subtype_id\) AND s\.internal\)\)\)',
     'chatter._citus_subtype_internal(messages.subtype_id)'),
    ('\(EXISTS \( SELECT\s+FROM chatter\.message_attachments ma\s+WHERE \(ma\.attachment_id = attachments\.id\)\)\)',
     'chatter._citus_attachment_linked(attachments.id)'),
    ('\(EXISTS \( SELECT\s+FROM chatter\.users u\s+WHERE \(u\.contact_id = contacts\.id\)\)\)',
     'chatter._citus_contact_is_user(contacts.id)'),
    ('\( SELECT (chatter\.\w+\(\)) AS \w+\)', '\1');

DO $$
DECLARE
    p record;
    r record;
    qual text;
    chk text;
BEGIN
    FOR p IN SELECT * FROM pg_policies WHERE schemaname = 'chatter' LOOP
        qual := p.qual;
        chk := p.with_check;
        FOR r IN SELECT * FROM citus_policy_rewrites LOOP
            qual := regexp_replace(qual, r.pattern, r.replacement, 'g');
            chk := regexp_replace(chk, r.pattern, r.replacement, 'g');
        END LOOP;
        IF qual ~* '\mselect\M' OR chk ~* '\mselect\M' THEN
            RAISE EXCEPTION 'policy %.% still has a subquery after the rewrite: % / %',
                p.tablename, p.policyname, qual, chk;
        END IF;
        IF qual IS DISTINCT FROM p.qual THEN
            EXECUTE format('ALTER POLICY %I ON chatter.%I USING (%s)', p.policyname, p.tablename, qual);
        END IF;
        IF chk IS DISTINCT FROM p.with_check THEN
            EXECUTE format('ALTER POLICY %I ON chatter.%I WITH CHECK (%s)', p.policyname, p.tablename, chk);
        END IF;
    END LOOP;
END $$;

-- Restrictive policies. Citus 13.2.2 copies a table's policies to its shards without their AS
-- RESTRICTIVE (src/backend/distributed/commands/policy.c builds "CREATE POLICY ... FOR ... TO ...
-- USING ..." and never names the kind): on the workers a restrictive policy becomes permissive, is OR'ed
-- with the others instead of AND'ed, and chatter.messages' permissive messages_app (USING true) then lets
-- chatter_app read every message of the shard. Observed on 2026-12-07: as chatter_app with no acting
-- user, SELECT ... FROM chatter.messages returned every record message (the single node returns none),
-- and pg_policy on the worker's shards said polpermissive = true for all four. So, on Citus only, each
-- table's restrictive policies are folded into its permissive ones, which Citus copies faithfully:
-- (P1 OR P2) AND R1 AND R2 = (P1 AND R1 AND R2) OR (P2 AND R1 AND R2). A permissive FOR ALL policy is
-- first split per command (a restrictive FOR SELECT must not restrict INSERT). Then the restrictive ones
-- are dropped: none is left for Citus to weaken.
DO $$
DECLARE
    t text;
    p record;
    r record;
    c text;
    q text;
    chk text;
BEGIN
    FOR t IN SELECT DISTINCT tablename FROM pg_policies WHERE schemaname = 'chatter' AND permissive = 'RESTRICTIVE' LOOP
        IF EXISTS (SELECT FROM pg_policies a JOIN pg_policies b USING (schemaname, tablename)
                    WHERE a.schemaname = 'chatter' AND a.tablename = t AND a.roles <> b.roles) THEN
            RAISE EXCEPTION 'policies of chatter.% name different roles: the fold below does not know how', t;
        END IF;
        FOR p IN SELECT * FROM pg_policies WHERE schemaname = 'chatter' AND tablename = t AND permissive = 'PERMISSIVE' LOOP
            FOREACH c IN ARRAY CASE WHEN p.cmd = 'ALL' THEN ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] ELSE ARRAY[p.cmd] END LOOP
                q := CASE WHEN c <> 'INSERT' THEN coalesce(p.qual, 'true') END;
                chk := CASE WHEN c IN ('INSERT', 'UPDATE') THEN coalesce(p.with_check, p.qual, 'true') END;
                FOR r IN SELECT * FROM pg_policies WHERE schemaname = 'chatter' AND tablename = t
                                                    AND permissive = 'RESTRICTIVE' AND cmd IN ('ALL', c) LOOP
                    IF q IS NOT NULL AND r.qual IS NOT NULL THEN
                        q := format('(%s) AND (%s)', q, r.qual);
                    END IF;
                    IF chk IS NOT NULL AND coalesce(r.with_check, CASE WHEN r.cmd IN ('ALL', 'UPDATE') THEN r.qual END) IS NOT NULL THEN
                        chk := format('(%s) AND (%s)', chk, coalesce(r.with_check, r.qual));
                    END IF;
                END LOOP;
                EXECUTE format('CREATE POLICY %I ON chatter.%I AS PERMISSIVE FOR %s TO %s %s %s',
                               CASE WHEN p.cmd = 'ALL' THEN p.policyname || '_' || lower(c) ELSE p.policyname || '_citus' END,
                               t, c, array_to_string(p.roles, ', '),
                               CASE WHEN q IS NOT NULL THEN format('USING (%s)', q) ELSE '' END,
                               CASE WHEN chk IS NOT NULL THEN format('WITH CHECK (%s)', chk) ELSE '' END);
            END LOOP;
            EXECUTE format('DROP POLICY %I ON chatter.%I', p.policyname, t);
        END LOOP;
        FOR r IN SELECT * FROM pg_policies WHERE schemaname = 'chatter' AND tablename = t AND permissive = 'RESTRICTIVE' LOOP
            EXECUTE format('DROP POLICY %I ON chatter.%I', r.policyname, t);
        END LOOP;
        RAISE NOTICE 'chatter.%: restrictive policies folded into the permissive ones', t;
    END LOOP;
END $$;

-- 2. Distribution columns and keys -----------------------------------------------------------------
-- docs/scaling.md planned a generated thread_key as the distribution column of messages. Citus refuses
-- it ("Distribution column must not use GENERATED ALWAYS AS (...) STORED"): a row is routed on the
-- coordinator before any trigger runs, so the key must be written by every INSERT. Every writer
-- (create_message, channel_post, log_message, the generated tracking triggers, activity_done, plain
-- INSERTs by applications and tests) would have to name it. Until they do, messages are distributed by
-- id, with what is written per message co-located with it (notifications, recipients, reactions,
-- stars by message_id): a write touches one shard; a feed or a channel's history asks every shard.
-- Every unique key of a distributed table must contain its distribution column: the keys that did not
-- are recreated below under their old names (functions name them in ON CONFLICT ON CONSTRAINT).
-- Foreign keys that cannot hold between differently distributed tables (Citus allows a foreign key
-- between distributed tables only on the distribution column of both, and none from a Citus-local
-- table to a distributed one): dropped. What they enforced is then up to the functions (which check a
-- parent in its thread, a message before linking it) and the ON DELETE CASCADE is lost: a hard DELETE
-- of a message leaves its replies and attachment links behind (delete_message is a soft delete).
ALTER TABLE chatter.messages DROP CONSTRAINT messages_parent_id_fkey;
-- messages.subtype_id: a single node holds it with triggers on chatter.subtypes instead of a foreign key
-- (messages_subtype_guard, issue 23). On Citus they would run on the reference table's shards, which
-- cannot reach the distributed messages ("cannot execute a distributed query from a query on a shard"):
-- the key is back (distributed -> reference, which Citus allows), set aside and restored with the others.
DROP TRIGGER subtypes_delete_messages ON chatter.subtypes;
DROP TRIGGER subtypes_update_messages ON chatter.subtypes;
DROP TRIGGER subtypes_truncate_messages ON chatter.subtypes;
ALTER TABLE chatter.messages ADD CONSTRAINT messages_subtype_id_fkey
    FOREIGN KEY (subtype_id) REFERENCES chatter.subtypes (id) ON DELETE SET NULL;
-- The built-in subtype tracking stays protected by both its triggers (subtypes_protect, which reads nothing
-- but the row, as activity_types_protect; subtypes_protect_truncate). Citus keeps a TRUNCATE trigger on the
-- coordinator's table only (commands/trigger.c: "we don't have truncate triggers on shard relations"), where
-- it fires before the TRUNCATE is sent to the shards: TRUNCATE chatter.subtypes CASCADE is CH002 as on one
-- node. (The key above would refuse only a TRUNCATE without CASCADE.) The tests' cleanup
-- (tests/conftest.py citus_clean), which empties every chatter table and puts the same rows back, ids
-- included, switches it off around its own TRUNCATE, in one transaction.
ALTER TABLE chatter.message_attachments DROP CONSTRAINT message_attachments_message_id_fkey;
ALTER TABLE chatter.outbox DROP CONSTRAINT outbox_notification_id_fkey;
-- The mailgate (sql/deploy/mailgate.sql): a received mail names the message it answers and the one it
-- posted. inbound_mails stays a plain table of the coordinator (it references mail_aliases, which
-- references models: see step 4), and a local table may not reference a distributed one.
ALTER TABLE chatter.inbound_mails DROP CONSTRAINT inbound_mails_parent_id_fkey;
ALTER TABLE chatter.inbound_mails DROP CONSTRAINT inbound_mails_posted_message_fkey;

ALTER TABLE chatter.notifications DROP CONSTRAINT notifications_pkey;
ALTER TABLE chatter.notifications ADD CONSTRAINT notifications_pkey PRIMARY KEY (message_id, id);
ALTER TABLE chatter.reactions DROP CONSTRAINT reactions_pkey;
ALTER TABLE chatter.reactions ADD CONSTRAINT reactions_pkey PRIMARY KEY (message_id, id);
ALTER TABLE chatter.followers DROP CONSTRAINT followers_pkey;
ALTER TABLE chatter.followers ADD CONSTRAINT followers_pkey PRIMARY KEY (document, id);

COMMIT;

-- 3. Distributed tables, before the reference tables ---------------------------------------------------
-- Once contacts is a reference table, every local table that references it becomes a Citus-local
-- table, and turning a Citus-local table into a distributed one goes through undistribute, which
-- refuses identity columns ("cannot complete operation on a table with identity column"): our ids are
-- identity columns. So these are distributed first, with their foreign keys to the future reference
-- tables set aside (a distributed table may not reference a local one) and put back after.
CREATE TEMP TABLE citus_distributed (tbl regclass, col text, colocate text);
INSERT INTO citus_distributed VALUES
    ('chatter.messages', 'id', 'none'),
    ('chatter.notifications', 'message_id', 'chatter.messages'),
    ('chatter.message_recipients', 'message_id', 'chatter.messages'),
    ('chatter.reactions', 'message_id', 'chatter.messages'),
    ('chatter.stars', 'message_id', 'chatter.messages'),
    ('chatter.message_bounces', 'message_id', 'chatter.messages'),
    ('chatter.followers', 'document', 'none'),
    ('chatter.channel_members', 'channel_id', 'none');
CREATE TEMP TABLE citus_fks AS
SELECT c.conrelid::regclass AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
  FROM pg_constraint c
 WHERE c.contype = 'f' AND c.conrelid IN (SELECT tbl FROM citus_distributed)
   AND c.confrelid NOT IN (SELECT tbl FROM citus_distributed);
DO $$
DECLARE f record;
BEGIN
    FOR f IN SELECT * FROM citus_fks LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', f.tbl, f.conname);
    END LOOP;
END $$;

SELECT create_distributed_table('chatter.messages', 'id');
SELECT create_distributed_table('chatter.notifications', 'message_id', colocate_with => 'chatter.messages');
SELECT create_distributed_table('chatter.message_recipients', 'message_id', colocate_with => 'chatter.messages');
SELECT create_distributed_table('chatter.reactions', 'message_id', colocate_with => 'chatter.messages');
SELECT create_distributed_table('chatter.stars', 'message_id', colocate_with => 'chatter.messages');
-- Which emails of a message bounced: written and read with the message.
SELECT create_distributed_table('chatter.message_bounces', 'message_id', colocate_with => 'chatter.messages');
SELECT create_distributed_table('chatter.followers', 'document', colocate_with => 'none');
SELECT create_distributed_table('chatter.channel_members', 'channel_id', colocate_with => 'none');

-- 4. Reference tables: small, joined everywhere, replicated to every node (the coordinator too) ------
-- Making contacts a reference table converts every local table that references it (activities, outbox,
-- ...) into a Citus-local table, and the conversion drops and recreates the views over them. A view
-- whose row type a function returns cannot be dropped (record_activities returns SETOF
-- activity_overview): such functions are set aside here and recreated, with owner and grants, after.
CREATE TEMP TABLE citus_set_aside AS
SELECT p.oid::regprocedure::text AS signature, pg_get_functiondef(p.oid) AS def,
       p.proowner::regrole::text AS owner, obj_description(p.oid, 'pg_proc') AS comment,
       ARRAY(SELECT a.grantee::regrole::text FROM aclexplode(p.proacl) a
              WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> 0 AND a.grantee <> p.proowner) AS grantees
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.refclassid = 'pg_type'::regclass
  JOIN pg_class v ON v.reltype = d.refobjid AND v.relkind = 'v'
 WHERE p.pronamespace = 'chatter'::regnamespace;
DO $$
DECLARE f record;
BEGIN
    FOR f IN SELECT * FROM citus_set_aside LOOP
        EXECUTE format('DROP FUNCTION %s', f.signature);
    END LOOP;
END $$;

-- One statement each: several in one transaction fail ("cannot switch local execution status from
-- local execution disabled to local execution enabled").
SELECT create_reference_table('chatter.error_codes');
SELECT create_reference_table('chatter.contacts');
SELECT create_reference_table('chatter.users');
SELECT create_reference_table('chatter.subtypes');
SELECT create_reference_table('chatter.channels');
SELECT create_reference_table('chatter.activity_types');
-- Not models nor tracked_column_overrides, as the plan had them: their regclass columns name the
-- application's tables, which exist on the coordinator only; a reference table's row is written on
-- every node, where 'public.leads'::regclass does not resolve. They stay local to the coordinator,
-- which is where enable, tracking and record_readable read them.
SELECT create_reference_table('chatter.limits');
SELECT create_reference_table('chatter.settings');

DO $$
DECLARE f record; g text;
BEGIN
    FOR f IN SELECT * FROM citus_set_aside LOOP
        EXECUTE f.def;
        EXECUTE format('ALTER FUNCTION %s OWNER TO %I', f.signature, f.owner);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f.signature);
        FOREACH g IN ARRAY f.grantees LOOP
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f.signature, g);
        END LOOP;
        EXECUTE format('COMMENT ON FUNCTION %s IS %L', f.signature, f.comment);
    END LOOP;
END $$;

-- The foreign keys of the distributed tables to the reference tables, back (Citus allows these).
DO $$
DECLARE f record;
BEGIN
    FOR f IN SELECT * FROM citus_fks LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', f.tbl, f.conname, f.def);
    END LOOP;
END $$;

-- The rest stays on the coordinator as Citus-local tables (they reference reference tables, so Citus
-- converts them itself when the reference tables are created): message_attachments, attachments,
-- activities, outbox, push_subscriptions, api_tokens, realtime_events, contact_bounces. See
-- docs/scaling.md for why. models, tracked_column_overrides, message_events, record_vouchers and the
-- mailgate's mail_aliases (which references models) and inbound_mails (which references mail_aliases)
-- stay plain tables of the coordinator: no foreign key chains them to a Citus table.

-- The local copies left behind by the conversion are invisible; free their space.
SELECT truncate_local_data_after_distributing_table(logicalrelid)
  FROM pg_dist_partition WHERE logicalrelid::regclass::text LIKE 'chatter.%' AND partmethod <> 'n';

-- Comments back (see the top), and identity sequences of the converted tables past their rows: after
-- the conversion activity_types handed out an id its shipped rows already had.
DO $$
DECLARE t record;
BEGIN
    -- by name: a view the conversion recreated has a new oid
    FOR t IN SELECT * FROM citus_comments WHERE obj_description(tbl::regclass, 'pg_class') IS DISTINCT FROM comment LOOP
        EXECUTE format('COMMENT ON %s %s IS %L', t.kind, t.tbl, t.comment);
    END LOOP;
    FOR t IN SELECT a.attrelid::regclass AS tbl, a.attname, pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) AS seq
               FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
              WHERE c.relnamespace = 'chatter'::regnamespace AND a.attidentity <> '' LOOP
        EXECUTE format('SELECT setval(%L, greatest((SELECT max(%I) FROM %s), 1))', t.seq, t.attname, t.tbl);
    END LOOP;
END $$;
