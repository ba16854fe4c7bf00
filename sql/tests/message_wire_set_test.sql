-- chatter.message_wire_set (issue 25): the one wire shape as a one-row set, inlined into the caller's query
-- (the relay's reads), as chatter_app under row-level security: the same object as chatter.message_wire,
-- what the caller may not read stays out of it, and the planner inlines it (one plan for many messages).
BEGIN;
SELECT plan(9);

INSERT INTO chatter.contacts (id, name, email) VALUES
    (9621, 'Alice Set', 'alice@set.invalid'), (9622, 'Bob Set', 'bob@set.invalid'), (9623, 'Carol Set', 'carol@set.invalid');
INSERT INTO chatter.users (id, contact_id, username) VALUES
    (621, 9621, 'alice_set'), (622, 9622, 'bob_set'), (623, 9623, 'carol_set');
-- The application: Carol may not read order 1.
CREATE TABLE public.set_orders (id int PRIMARY KEY, name text);
ALTER TABLE public.set_orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY set_orders_read ON public.set_orders TO chatter_app
    USING (nullif(current_setting('chatter.user_id', true), '')::bigint IN (621, 622));
GRANT SELECT, UPDATE ON public.set_orders TO chatter_app;
INSERT INTO public.set_orders VALUES (1, 'S1');
SELECT chatter.enable('set_orders');
SELECT chatter.track_column('set_orders', 'name', true);
SELECT chatter.create_channel('set-board', 'Private', 621, '{622}') AS board \gset
SELECT chatter.create_channel('set-hall', 'Public', 623, '{621}') AS hall \gset
-- EXPLAIN's text of a query (as the current role), to see the set function inlined.
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE p json; BEGIN EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO p; RETURN p::text; END $$;

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '621';
SELECT chatter.add_attachment('set.txt', 'set', 'text/plain', 'set_orders', 1) AS file \gset
SELECT chatter.create_message('On the <b>order</b>', subject => 'Set', model => 'set_orders', document => 1,
                              attachments => ARRAY[:file]::bigint[]) AS msg \gset
SELECT chatter.channel_post(:board, 621, 'in the board') AS post \gset
UPDATE public.set_orders SET name = 'S2' WHERE id = 1;
SET LOCAL chatter.user_id = '622';
SELECT chatter.react(:post, '👍');
SELECT chatter.channel_reply(:board, 622, 'a reply', :post) AS reply \gset
SET LOCAL chatter.user_id = '623';
SELECT chatter.channel_post(:hall, 623, 'in the hall') AS own \gset

SET LOCAL chatter.user_id = '621';
SELECT is((SELECT count(*) FILTER (WHERE (SELECT w.message FROM chatter.message_wire_set(m) AS w)
                                         IS DISTINCT FROM chatter.message_wire(m))
             FROM chatter.messages AS m WHERE m.id >= :msg),
          0::bigint, 'the same object as message_wire for every message Alice reads');
SELECT is((SELECT count(*) FROM chatter.messages AS m, LATERAL chatter.message_wire_set(m) AS w
            WHERE m.id >= :msg AND w.message ->> 'id' = m.id::text
              AND (m.message_type <> 'Tracking' OR w.message -> 'tracking' -> 0 ->> 'new_value' = 'S2')),
          5::bigint, 'one row per message: the record message, its Tracking (with its values), three chat messages');
SELECT is((SELECT w.message -> 'reactions' -> 0 ->> 'count' FROM chatter.messages AS m,
                  LATERAL chatter.message_wire_set(m) AS w WHERE m.id = :post),
          '1', 'a post with its reaction');
SELECT is((SELECT w.message -> 'parent' ->> 'excerpt' FROM chatter.messages AS m,
                  LATERAL chatter.message_wire_set(m) AS w WHERE m.id = :reply),
          'in the board', 'a reply with its parent''s excerpt');
SELECT is((SELECT w.message -> 'attachments' -> 0 ->> 'name' FROM chatter.messages AS m,
                  LATERAL chatter.message_wire_set(m) AS w WHERE m.id = :msg),
          'set.txt', 'a record message with its file');

-- Refused: Carol forges a row of her own message with the ids of what she may not read (the private
-- board's post and reply, the order's message): the row-level security of each subquery hides them.
SET LOCAL chatter.user_id = '623';
SELECT is((SELECT w.message -> 'reactions' FROM chatter.messages AS m,
                  LATERAL chatter.message_wire_set(jsonb_populate_record(m, jsonb_build_object(
                      'id', :post, 'parent_id', :post))) AS w WHERE m.id = :own),
          '[]'::jsonb, 'Carol''s forged row shows no reaction of a post she may not read');
SELECT is((SELECT w.message -> 'parent' FROM chatter.messages AS m,
                  LATERAL chatter.message_wire_set(jsonb_populate_record(m, jsonb_build_object(
                      'id', :reply, 'parent_id', :post))) AS w WHERE m.id = :own),
          'null'::jsonb, 'nor the excerpt of a parent she may not read');
SELECT is((SELECT w.message -> 'attachments' FROM chatter.messages AS m,
                  LATERAL chatter.message_wire_set(jsonb_populate_record(m, jsonb_build_object('id', :msg))) AS w
            WHERE m.id = :own),
          '[]'::jsonb, 'nor the file of a record she may not read');

-- Inlined: no Function Scan, its subqueries in the caller's plan (a SET clause or a definer would stop it,
-- and every message would start the whole shape again).
SELECT ok(pg_temp.plan_of('SELECT m.id, (SELECT w.message FROM chatter.message_wire_set(m) AS w) FROM chatter.messages AS m')
              NOT LIKE '%Function Scan%'
          AND pg_temp.plan_of('SELECT m.id, (SELECT w.message FROM chatter.message_wire_set(m) AS w) FROM chatter.messages AS m')
              LIKE '%"Relation Name": "reactions"%',
          'the planner inlines message_wire_set into the calling query');

SELECT * FROM finish();
ROLLBACK;
