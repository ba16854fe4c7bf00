-- Issue 25: a message's audience costs the same among 2,000 contacts as among 20. message_audience looks
-- the contacts, users and channel memberships of its audience up by id; its kept (generic) plan used to
-- hash every contact for every message, and every channel member once someone was mentioned (1.2 and 2 ms
-- a chat post at 10,000 users). Counted with pg_stat_xact_user_tables, as chatter_app, once the plan is
-- the kept one (after five calls), for chat posts and a record message with three followers.
BEGIN;
SELECT plan(6);

INSERT INTO chatter.contacts (id, name) SELECT g, 'Plan ' || g FROM generate_series(970001, 972000) AS g;
INSERT INTO chatter.users (id, contact_id, username, notification)
SELECT g, g, 'plan' || g, 'inbox' FROM generate_series(970001, 972000) AS g;
SELECT chatter.create_channel('plan room ' || c, 'Public', 970001 + c * 10,
                              ARRAY(SELECT generate_series(970002 + c * 10, 970010 + c * 10)::bigint))
  FROM generate_series(0, 199) AS c;
CREATE TABLE public.plan_orders (id int PRIMARY KEY, name text);
INSERT INTO public.plan_orders VALUES (1, 'P00001');
GRANT SELECT ON public.plan_orders TO chatter_app;
SELECT chatter.enable('plan_orders', track => false);
SELECT chatter.subscribe('plan_orders', 1, ARRAY[970001, 970002, 970003]::bigint[]);
ANALYZE chatter.contacts, chatter.users, chatter.channel_members, chatter.channels;

CREATE FUNCTION pg_temp.seq_scans() RETURNS bigint LANGUAGE sql AS $$
    SELECT coalesce(sum(seq_scan), 0)::bigint FROM pg_catalog.pg_stat_xact_user_tables
     WHERE schemaname = 'chatter' AND relname IN ('contacts', 'users', 'channel_members')
$$;

SET LOCAL ROLE chatter_app;
SELECT set_config('chatter.user_id', '970001', true);
CREATE TEMP TABLE plan_posts (id bigint, mention boolean);
INSERT INTO plan_posts SELECT chatter.channel_post((SELECT id FROM chatter.channels WHERE name = 'plan room 0'),
                                                   970001, 'hello @plan970002'), true FROM generate_series(1, 8);
INSERT INTO plan_posts SELECT chatter.channel_post((SELECT id FROM chatter.channels WHERE name = 'plan room 0'),
                                                   970001, 'hello'), false FROM generate_series(1, 8);
INSERT INTO plan_posts SELECT chatter.create_message('a note', model => 'plan_orders', document => 1), null
  FROM generate_series(1, 8);

SELECT is((SELECT array_agg(DISTINCT a.contact_id ORDER BY a.contact_id) FROM plan_posts AS p, chatter.message_audience(p.id) AS a
            WHERE p.mention),
          ARRAY[970002]::bigint[], 'a chat post reaches the member it mentions');
-- Warm: the first five calls are planned for their arguments, the kept plan comes after. (Not counted: the
-- mentions themselves, _mentioned_contacts, are matched by a plan of their own.)
SELECT count(*) FROM plan_posts AS p, chatter.message_audience(p.id) WHERE NOT p.mention OR p.mention IS NULL;
CREATE TEMP TABLE plan_before AS SELECT pg_temp.seq_scans() AS n;
SELECT is((SELECT count(*) FROM plan_posts AS p, chatter.message_audience(p.id) AS a WHERE NOT p.mention),
          0::bigint, 'a chat post without a mention reaches no one');
SELECT is((SELECT array_agg(DISTINCT a.contact_id ORDER BY a.contact_id) FROM plan_posts AS p, chatter.message_audience(p.id) AS a
            WHERE p.mention IS NULL),
          ARRAY[970002, 970003]::bigint[], 'a record message reaches its followers but its author');
SELECT is(pg_temp.seq_scans() - (SELECT n FROM plan_before), 0::bigint,
          'no contact, user or channel member read beyond the audience, with the kept plan');
SELECT cmp_ok((SELECT count(*) FROM plan_posts), '=', 24::bigint, 'the posts were made');
SELECT throws_ok($$SELECT * FROM chatter.message_audience(-1)$$, 'CH003', NULL,
                 'a message one may not read (or none) is refused');

SELECT * FROM finish();
ROLLBACK;
