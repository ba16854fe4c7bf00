-- Revert pgchatter:followers_api from pg: the @v0.6.0 bodies (_record_followers in LANGUAGE sql)

BEGIN;

-- Who follows a record: its followers, and the members of the channels that follow it, each with the
-- subtypes followed. The one definition of that union: record_followers lists it, message_audience
-- reaches those who follow the message's subtype. As the caller (row-level security applies).
CREATE OR REPLACE FUNCTION chatter._record_followers(model text, document bigint)
RETURNS TABLE (contact_id bigint, via text, subtype_ids bigint[])
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT f.contact_id, 'follower', f.subtype_ids FROM chatter.followers AS f
     WHERE f.model = _record_followers.model AND f.document = _record_followers.document
       AND f.contact_id IS NOT NULL
    UNION ALL
    SELECT u.contact_id, 'channel', f.subtype_ids FROM chatter.followers AS f
      JOIN chatter.channel_members AS cm ON cm.channel_id = f.channel_id
      JOIN chatter.users AS u ON u.id = cm.user_id
     WHERE f.model = _record_followers.model AND f.document = _record_followers.document
$$;
COMMENT ON FUNCTION chatter._record_followers(text, bigint) IS
    'A record''s followers and the members of the channels following it, with the subtypes followed';

CREATE OR REPLACE FUNCTION chatter.record_followers(model text, document bigint) RETURNS SETOF chatter.contacts
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter.check_record_readable(model, document);
    RETURN QUERY
    SELECT c.* FROM chatter.contacts AS c
     WHERE c.id IN (SELECT r.contact_id FROM chatter._record_followers(model, document) AS r)
     ORDER BY c.id;
END
$$;

REVOKE EXECUTE ON FUNCTION chatter._record_followers(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._record_followers(text, bigint) TO chatter_app;
ALTER FUNCTION chatter._record_followers(text, bigint) OWNER TO chatter_owner;

COMMIT;
