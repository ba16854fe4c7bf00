-- Deploy pgchatter:followers_api to pg
-- requires: followers_api@v0.6.0

BEGIN;

-- Who follows a record: its followers, and the members of the channels that follow it, each with the
-- subtypes followed. The one definition of that union: record_followers lists it, message_audience
-- reaches those who follow the message's subtype. As the caller (row-level security applies).
-- PL/pgSQL, not SQL: a SQL function with SET search_path is planned again in every statement that calls it
-- (0.26 ms of every post); PL/pgSQL keeps the plan for the session. A chat message has no record: no
-- query (its plan, custom for NULL arguments, would be made again on every call).
CREATE OR REPLACE FUNCTION chatter._record_followers(model text, document bigint)
RETURNS TABLE (contact_id bigint, via text, subtype_ids bigint[])
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
#variable_conflict use_column
BEGIN
    IF model IS NULL OR document IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT f.contact_id, 'follower', f.subtype_ids FROM chatter.followers AS f
     WHERE f.model = _record_followers.model AND f.document = _record_followers.document
       AND f.contact_id IS NOT NULL
    UNION ALL
    SELECT u.contact_id, 'channel', f.subtype_ids FROM chatter.followers AS f
      JOIN chatter.channel_members AS cm ON cm.channel_id = f.channel_id
      JOIN chatter.users AS u ON u.id = cm.user_id
     WHERE f.model = _record_followers.model AND f.document = _record_followers.document;
END
$$;

COMMIT;
