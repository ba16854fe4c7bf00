-- Deploy pgchatter:activity_overview to pg
-- requires: activities

BEGIN;

-- Open activities with their state relative to today (Odoo's activity_state).
CREATE VIEW chatter.activity_overview WITH (security_invoker = true) AS
SELECT a.id AS activity,
       a.name,
       t.identifier AS activity_type,
       t.name AS activity_type_name,
       t.icon,
       t.action_type,
       a.model,
       a.record,
       a.assigned_to AS assignee,
       a.deadline,
       CASE WHEN a.deadline < current_date THEN 'overdue'
            WHEN a.deadline = current_date THEN 'today'
            ELSE 'planned' END AS state,
       a.deadline - current_date AS days_left,
       a.description,
       a.created_by,
       a.created_at
  FROM chatter.activities AS a
  JOIN chatter.activity_types AS t ON t.id = a.activity_type_id
 WHERE NOT a.done;
COMMENT ON VIEW chatter.activity_overview IS
    'Open activities with state overdue | today | planned (relative to current_date) and days left';

GRANT SELECT ON chatter.activity_overview TO chatter_app;

COMMIT;
