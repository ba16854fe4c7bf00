-- Deploy pgchatter:messages_subtype_guard to pg
-- requires: messages_subtype_guard@v0.8.0

BEGIN;

-- Review of issue 23: the subtype check that stands in for the foreign key of subtype_id (the subtype
-- exists and is locked FOR KEY SHARE until the transaction ends; 23503 naming messages_subtype_id_fkey
-- when it does not) was written twice, in chatter._message_limits (INSERT) and chatter._message_subtype
-- (UPDATE OF subtype_id). It is now written once, as PL/pgSQL code that both trigger functions run inline
-- (as the wake-up rule is, chatter._wake_sql): a called helper, chatter._lock_subtype(id), cost an INSERT
-- of a message with a subtype 24,873 more instructions (693,174 → 718,047, +3.6%: the call of a function
-- with a SET clause; callgrind, bench/tracking_instructions.py's method, 2026-12-07), the inline copy none.
-- subtype_id is an SQL expression of type bigint (NEW.subtype_id).
CREATE FUNCTION chatter._lock_subtype_sql(subtype_id text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
SELECT 'PERFORM FROM chatter.subtypes AS s WHERE s.id = ' || subtype_id || ' FOR KEY SHARE; '
       || 'IF NOT FOUND THEN RAISE EXCEPTION ''insert or update on table "messages" violates foreign key '
       || 'constraint "messages_subtype_id_fkey"'' USING ERRCODE = ''foreign_key_violation'', '
       || 'CONSTRAINT = ''messages_subtype_id_fkey'', TABLE = ''messages'', SCHEMA = ''chatter'', '
       || 'DETAIL = pg_catalog.format(''Key (subtype_id)=(%s) is not present in table "subtypes".'', '
       || subtype_id || '); END IF;'
$$;
COMMENT ON FUNCTION chatter._lock_subtype_sql(text) IS
    'PL/pgSQL code of the subtype check (the foreign key''s): the subtype named by the expression subtype_id exists, locked FOR KEY SHARE; 23503 otherwise';
REVOKE EXECUTE ON FUNCTION chatter._lock_subtype_sql(text) FROM PUBLIC;
ALTER FUNCTION chatter._lock_subtype_sql(text) OWNER TO chatter_owner;

-- As before, the check from the template.
DO $do$
BEGIN
    EXECUTE replace($fn$
CREATE OR REPLACE FUNCTION chatter._message_subtype() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $body$
BEGIN
    IF NEW.subtype_id IS NOT NULL AND NEW.subtype_id IS DISTINCT FROM OLD.subtype_id THEN
        {lock_subtype}
    END IF;
    RETURN NEW;
END
$body$
$fn$, '{lock_subtype}', chatter._lock_subtype_sql('NEW.subtype_id'));
END
$do$;

COMMIT;
