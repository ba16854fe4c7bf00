-- Deploy pgchatter:message_html to pg
-- requires: limits

BEGIN;

-- Sanitize once (issue 18). Bodies are stored as given and sanitized on the way out (nh3, which has no
-- PostgreSQL binding); the bridge or the listener that sanitizes a body first stores the result here, and
-- every later read, frame and email serves it. Only the system may store it (the HTML is trusted from
-- then on); a changed body drops it.
ALTER TABLE chatter.messages ADD COLUMN body_html text;
COMMENT ON COLUMN chatter.messages.body_html IS
    'The body as served: sanitized once by the bridge or listener; NULL until then and after the body changes';

CREATE FUNCTION chatter._reset_body_html() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    NEW.body_html := NULL;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._reset_body_html() IS 'Trigger: a changed body drops its sanitized copy';

CREATE TRIGGER messages_reset_body_html BEFORE UPDATE OF body ON chatter.messages
    FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION chatter._reset_body_html();
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER messages_reset_body_html;   -- as messages_limits

-- Store sanitized bodies, by the system only: each for the body it was made from (its MD5), so a body
-- edited meanwhile keeps none, and only where none is stored yet. Returns how many were stored.
CREATE FUNCTION chatter.store_body_html(messages bigint[], body_md5s text[], bodies_html text[]) RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    stored integer;
BEGIN
    IF NOT chatter._caller_is_system() THEN
        RAISE EXCEPTION 'only the system stores sanitized bodies' USING ERRCODE = 'CH004';
    END IF;
    UPDATE chatter.messages AS m SET body_html = s.html
      FROM unnest(messages, body_md5s, bodies_html) AS s(id, body_md5, html)
     WHERE m.id = s.id AND m.body_html IS NULL AND s.html IS NOT NULL AND md5(m.body) = s.body_md5;
    GET DIAGNOSTICS stored = ROW_COUNT;
    RETURN stored;
END
$$;
COMMENT ON FUNCTION chatter.store_body_html(bigint[], text[], text[]) IS
    'System only (CH004 otherwise): store sanitized bodies, each if its message still has the body of that MD5';

REVOKE EXECUTE ON FUNCTION chatter._reset_body_html() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.store_body_html(bigint[], text[], text[]) FROM PUBLIC;
-- The bridge's login role is a superuser or a BYPASSRLS member of chatter_app: it executes by membership.
GRANT EXECUTE ON FUNCTION chatter.store_body_html(bigint[], text[], text[]) TO chatter_app;

ALTER FUNCTION chatter._reset_body_html() OWNER TO chatter_owner;
ALTER FUNCTION chatter.store_body_html(bigint[], text[], text[]) OWNER TO chatter_owner;

COMMIT;
