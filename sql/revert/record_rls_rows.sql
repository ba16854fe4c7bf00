-- Revert pgchatter:record_rls_rows from pg
-- Restores the v0.3.0 policies (record_rls, notifications) and privileges.

BEGIN;

-- A record feed is readable when the role may SELECT the model's table: applications grant chatter_app
-- (or a role that is a member of it) SELECT on the tables whose chatter users may read. The role is an
-- argument for SECURITY DEFINER code that decides on its caller's behalf (chatter._check_attachable).
CREATE FUNCTION chatter._models_readable_by(role name) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT m.model FROM chatter.models AS m WHERE pg_catalog.has_table_privilege(role, m."table", 'SELECT')
$$;
COMMENT ON FUNCTION chatter._models_readable_by(name) IS 'Models whose table role may SELECT';

-- SECURITY INVOKER on purpose: inside a row-level policy current_user is the querying role.
CREATE FUNCTION chatter.readable_models() RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT chatter._models_readable_by(current_user)
$$;
COMMENT ON FUNCTION chatter.readable_models() IS
    'Models whose table the current role may SELECT: their record feeds, followers and attachments are readable';

REVOKE EXECUTE ON FUNCTION chatter._models_readable_by(name) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.readable_models() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._models_readable_by(name) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.readable_models() TO chatter_app;

DROP POLICY channels_visible ON chatter.channels;
CREATE POLICY channels_visible ON chatter.channels FOR SELECT TO chatter_app
    USING (kind = 'Public' OR id IN (SELECT chatter._my_channel_ids()));

DROP POLICY users_update_own ON chatter.users;
DROP POLICY users_read ON chatter.users;
ALTER TABLE chatter.users DISABLE ROW LEVEL SECURITY;
DROP POLICY contacts_update ON chatter.contacts;
DROP POLICY contacts_insert ON chatter.contacts;
DROP POLICY contacts_read ON chatter.contacts;
ALTER TABLE chatter.contacts DISABLE ROW LEVEL SECURITY;

REVOKE INSERT, UPDATE ON chatter.activities FROM chatter_app;
GRANT INSERT, UPDATE ON chatter.activities TO chatter_app;
DROP POLICY activities_delete ON chatter.activities;
DROP POLICY activities_update ON chatter.activities;
DROP POLICY activities_insert ON chatter.activities;
DROP POLICY activities_read ON chatter.activities;
CREATE POLICY activities_visible ON chatter.activities FOR ALL TO chatter_app
    USING (assigned_to = (SELECT chatter.current_user_id()) OR model IN (SELECT chatter.readable_models()))
    WITH CHECK (model IN (SELECT chatter.readable_models()));

DROP POLICY notifications_own ON chatter.notifications;
CREATE POLICY notifications_own ON chatter.notifications FOR SELECT TO chatter_app
    USING (user_id = (SELECT chatter.current_user_id()));

DROP POLICY attachments_visible ON chatter.attachments;
CREATE POLICY attachments_visible ON chatter.attachments FOR SELECT TO chatter_app
    USING (model IN (SELECT chatter.readable_models())
           OR created_by = (SELECT chatter.current_contact_id())
           OR EXISTS (SELECT FROM chatter.message_attachments AS ma WHERE ma.attachment_id = attachments.id));

DROP POLICY followers_visible ON chatter.followers;
CREATE POLICY followers_visible ON chatter.followers FOR SELECT TO chatter_app
    USING (model IN (SELECT chatter.readable_models()) OR contact_id = (SELECT chatter.current_contact_id()));

DROP POLICY messages_record_read ON chatter.messages;
CREATE POLICY messages_record_read ON chatter.messages AS RESTRICTIVE FOR SELECT TO chatter_app
    USING (channel_id IS NOT NULL
           OR model IN (SELECT chatter.readable_models())
           OR author_id = (SELECT chatter.current_contact_id())
           OR EXISTS (SELECT FROM chatter.notifications AS n WHERE n.message_id = messages.id));

DROP FUNCTION chatter._notified(bigint);

COMMIT;
