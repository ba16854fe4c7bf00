-- Revert pgchatter:followers_api from pg
-- Restores record_followers with its own union (v0.4.0).

BEGIN;

CREATE OR REPLACE FUNCTION chatter.record_followers(model text, document bigint) RETURNS SETOF chatter.contacts
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter.check_record_readable(model, document);
    RETURN QUERY
    SELECT c.* FROM chatter.contacts AS c
     WHERE c.id IN (SELECT f.contact_id FROM chatter.followers AS f
                     WHERE f.model = record_followers.model AND f.document = record_followers.document
                    UNION
                    SELECT u.contact_id FROM chatter.followers AS f
                      JOIN chatter.channel_members AS cm ON cm.channel_id = f.channel_id
                      JOIN chatter.users AS u ON u.id = cm.user_id
                     WHERE f.model = record_followers.model AND f.document = record_followers.document)
     ORDER BY c.id;
END
$$;

DROP FUNCTION chatter._record_followers(text, bigint);

COMMIT;
