-- Verify pgchatter:limits on pg

BEGIN;

SELECT name, value, description FROM chatter.limits WHERE false;
SELECT 1 / (chatter._html_depth('<div><p>a<div>b</div></div>') = 2)::integer;
SELECT 1 / count(*)::integer FROM pg_catalog.pg_trigger
 WHERE tgname IN ('messages_limits', 'message_recipients_limits', 'attachments_limits') HAVING count(*) = 3;

SELECT 1 / (chatter._mention_count('&#64;bob &#64;carol') = 2)::integer;

ROLLBACK;
