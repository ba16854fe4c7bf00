-- Verify pgchatter:activity_types on pg

BEGIN;

SELECT id, name, identifier, icon, default_scheduled_date, action_type, protected, next_type_id, created_at
  FROM chatter.activity_types WHERE false;
SELECT 1 / (count(*) = 5)::int FROM chatter.activity_types
 WHERE protected AND identifier IN ('activity_email', 'activity_call', 'activity_meeting', 'activity_todo',
                                    'activity_upload_document');

ROLLBACK;
