-- Verify pgchatter:activity_overview on pg

BEGIN;

SELECT activity, name, activity_type, state, assignee, model, record, deadline, days_left
  FROM chatter.activity_overview WHERE false;

ROLLBACK;
