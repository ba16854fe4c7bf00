-- Deploy pgchatter:token_api to pg
-- requires: api_tokens

BEGIN;

-- A new token for a user (by username or id); returns the token text, the only time it is ever seen.
-- 244 random bits from two v4 UUIDs (core PostgreSQL, no pgcrypto needed).
CREATE FUNCTION chatter.token_create("user" text, name text DEFAULT NULL, expires_at timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    who bigint;
    token text;
BEGIN
    SELECT u.id INTO who FROM chatter.users AS u
     WHERE lower(u.username) = lower(token_create."user")
        OR (token_create."user" ~ '^[0-9]{1,18}$' AND u.id = token_create."user"::bigint)
     ORDER BY lower(u.username) = lower(token_create."user") DESC
     LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no user %', pg_catalog.quote_literal(coalesce(token_create."user", 'NULL'))
            USING ERRCODE = 'CH003';
    END IF;
    token := 'pgc_' || pg_catalog.replace(pg_catalog.gen_random_uuid()::text || pg_catalog.gen_random_uuid()::text, '-', '');
    INSERT INTO chatter.api_tokens (user_id, token_hash, name, expires_at)
    VALUES (who, pg_catalog.sha256(pg_catalog.convert_to(token, 'UTF8')), token_create.name, token_create.expires_at);
    RETURN token;
END
$$;
COMMENT ON FUNCTION chatter.token_create(text, text, timestamptz) IS
    'Create a bridge bearer token for a user (username or id); returns it once, stores only its SHA-256';

-- The user a token authenticates, or NULL (unknown, revoked, expired, inactive user).
CREATE FUNCTION chatter.token_user(token text) RETURNS bigint
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    found_token chatter.api_tokens;
BEGIN
    IF token IS NULL OR pg_catalog.length(token) > 200 THEN
        RETURN NULL;
    END IF;
    SELECT t.* INTO found_token FROM chatter.api_tokens AS t
      JOIN chatter.users AS u ON u.id = t.user_id AND u.active
     WHERE t.token_hash = pg_catalog.sha256(pg_catalog.convert_to(token, 'UTF8'))
       AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now());
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    -- At most one write a minute per token, so authentication stays a read.
    IF found_token.last_used_at IS NULL OR found_token.last_used_at < now() - interval '1 minute' THEN
        UPDATE chatter.api_tokens AS t SET last_used_at = now() WHERE t.id = found_token.id;
    END IF;
    RETURN found_token.user_id;
END
$$;
COMMENT ON FUNCTION chatter.token_user(text) IS
    'The user a bridge bearer token authenticates, or NULL when unknown, revoked, expired or the user is inactive';

CREATE FUNCTION chatter.token_revoke(token_id bigint) RETURNS boolean
LANGUAGE sql
SET search_path = ''
AS $$
    WITH r AS (UPDATE chatter.api_tokens AS t SET revoked_at = now()
                WHERE t.id = token_id AND t.revoked_at IS NULL RETURNING 1)
    SELECT EXISTS (SELECT FROM r)
$$;
COMMENT ON FUNCTION chatter.token_revoke(bigint) IS 'Revoke a bridge token by id; true when it was active';

-- Administration only: none of these is granted to chatter_app.
REVOKE EXECUTE ON FUNCTION chatter.token_create(text, text, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.token_user(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.token_revoke(bigint) FROM PUBLIC;

COMMIT;
