-- Verify pgchatter:track_columns on pg

BEGIN;

SELECT model, "column", type, tracked, reason, label FROM chatter.tracked_columns WHERE false;
SELECT 1 / (chatter._html_escape('<a&"''>') = '&lt;a&amp;&quot;&#39;&gt;')::int;
SELECT 1 / (chatter._humanize('salesperson_id') = 'Salesperson')::int;

ROLLBACK;
