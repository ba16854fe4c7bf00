-- Verify pgchatter:activities on pg

BEGIN;

SELECT id, name, description, deadline, activity_type_id, model, record, assigned_to, done, done_date, feedback,
       created_by, created_at
  FROM chatter.activities WHERE false;

ROLLBACK;
