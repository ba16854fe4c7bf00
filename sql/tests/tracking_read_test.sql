-- Issue 23: a table whose Tracking values are stored typed (chatter.track_storage(..., 'typed'):
-- chatter.messages.tracking_values) has them rendered when read (chatter.tracking_json). Every read path returns what was stored before: the expected body and JSON
-- below are literals taken from v0.9.0 (which stored them), for changes of every kind of column (FK with
-- a display name, enum, NULL old and new values, HTML escaping, date, timestamp, timestamptz, money,
-- numeric, boolean, integer) made by the single-row path, the row loop (2 to 64 rows) and the bulk query.
-- Read as chatter_app with an acting user, under the application's row-level security.
BEGIN;
SELECT plan(29);

SET LOCAL DateStyle = 'ISO, MDY';
SET LOCAL TimeZone = 'UTC';
SET LOCAL lc_monetary = 'C';
INSERT INTO chatter.contacts (id, name) VALUES (9701, 'Reader Rita');
INSERT INTO chatter.users (id, contact_id, username) VALUES (671, 9701, 'rita');
CREATE TYPE public.read_stage AS ENUM ('new', 'won <&>');
CREATE TABLE public.read_owners (id integer PRIMARY KEY, name text);
INSERT INTO public.read_owners VALUES (1, 'Alice'), (2, 'Bob <b> & co "q" ''s');
CREATE TABLE public.read_lots (
    id integer PRIMARY KEY, owner_id integer REFERENCES public.read_owners, stage public.read_stage,
    title varchar(40), due date, starts timestamp, ends timestamptz, price money, qty numeric(10, 2),
    paid boolean, n integer);
COMMENT ON COLUMN public.read_lots.title IS 'Title <i>';
SELECT chatter.enable('public.read_lots');
SELECT chatter.track_storage('public.read_lots', 'typed');
GRANT SELECT ON public.read_lots TO chatter_app;
-- The application hides lot 100 from chatter_app: its feed must stay closed (CH003) whatever the storage.
ALTER TABLE public.read_lots ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_lots_visible ON public.read_lots FOR SELECT TO chatter_app USING (id <> 100);
INSERT INTO public.read_lots SELECT g, 1, 'new', 'a < b', '2026-01-02', NULL, '2026-03-04 05:06:07+00', 1.5, NULL, true, 7
  FROM generate_series(1, 100) AS g;
SET LOCAL chatter.user_id = '671';
-- Round 1, the same change through the three paths: one row, the row loop (2..3), the bulk query (4..100).
UPDATE public.read_lots SET owner_id = 2, stage = 'won <&>', title = 'x & "y" <z>', due = NULL,
       starts = '2026-05-06 07:08:09', ends = '2026-03-05 00:00:00+00', price = 1234.56, qty = 3.10, paid = false,
       n = NULL WHERE id = 1;
UPDATE public.read_lots SET owner_id = 2, stage = 'won <&>', title = 'x & "y" <z>', due = NULL,
       starts = '2026-05-06 07:08:09', ends = '2026-03-05 00:00:00+00', price = 1234.56, qty = 3.10, paid = false,
       n = NULL WHERE id BETWEEN 2 AND 3;
UPDATE public.read_lots SET owner_id = 2, stage = 'won <&>', title = 'x & "y" <z>', due = NULL,
       starts = '2026-05-06 07:08:09', ends = '2026-03-05 00:00:00+00', price = 1234.56, qty = 3.10, paid = false,
       n = NULL WHERE id BETWEEN 4 AND 100;
-- Round 2: NULL old values, and only some columns changed.
UPDATE public.read_lots SET owner_id = NULL, due = '2027-12-31', qty = NULL, n = 0 WHERE id = 1;
UPDATE public.read_lots SET owner_id = NULL, due = '2027-12-31', qty = NULL, n = 0 WHERE id BETWEEN 2 AND 3;
UPDATE public.read_lots SET owner_id = NULL, due = '2027-12-31', qty = NULL, n = 0 WHERE id BETWEEN 4 AND 100;

-- What v0.9.0 stored for each round (body byte for byte; tracking as jsonb).
CREATE TEMP TABLE read_expected (round integer, body text, tracking jsonb);
INSERT INTO read_expected VALUES
    (1, $b$<ul><li>Owner: Alice → Bob &lt;b&gt; &amp; co &quot;q&quot; &#39;s</li><li>Stage: new → won &lt;&amp;&gt;</li><li>Title &lt;i&gt;: a &lt; b → x &amp; &quot;y&quot; &lt;z&gt;</li><li>Due: 2026-01-02 → None</li><li>Starts: None → 2026-05-06 07:08:09</li><li>Ends: 2026-03-04 05:06:07+00 → 2026-03-05 00:00:00+00</li><li>Price: $1.50 → $1,234.56</li><li>Qty: None → 3.10</li><li>Paid: Yes → No</li><li>N: 7 → None</li></ul>$b$, $j$[{"field": "owner_id", "label": "Owner", "new_value": 2, "old_value": 1, "new_display": "Bob <b> & co \"q\" 's", "old_display": "Alice"}, {"field": "stage", "label": "Stage", "new_value": "won <&>", "old_value": "new", "new_display": "won <&>", "old_display": "new"}, {"field": "title", "label": "Title <i>", "new_value": "x & \"y\" <z>", "old_value": "a < b", "new_display": "x & \"y\" <z>", "old_display": "a < b"}, {"field": "due", "label": "Due", "new_value": null, "old_value": "2026-01-02", "new_display": null, "old_display": "2026-01-02"}, {"field": "starts", "label": "Starts", "new_value": "2026-05-06T07:08:09", "old_value": null, "new_display": "2026-05-06 07:08:09", "old_display": null}, {"field": "ends", "label": "Ends", "new_value": "2026-03-05T00:00:00+00:00", "old_value": "2026-03-04T05:06:07+00:00", "new_display": "2026-03-05 00:00:00+00", "old_display": "2026-03-04 05:06:07+00"}, {"field": "price", "label": "Price", "new_value": "$1,234.56", "old_value": "$1.50", "new_display": "$1,234.56", "old_display": "$1.50"}, {"field": "qty", "label": "Qty", "new_value": 3.10, "old_value": null, "new_display": "3.10", "old_display": null}, {"field": "paid", "label": "Paid", "new_value": false, "old_value": true, "new_display": "No", "old_display": "Yes"}, {"field": "n", "label": "N", "new_value": null, "old_value": 7, "new_display": null, "old_display": "7"}]$j$),
    (2, $b$<ul><li>Owner: Bob &lt;b&gt; &amp; co &quot;q&quot; &#39;s → None</li><li>Due: None → 2027-12-31</li><li>Qty: 3.10 → None</li><li>N: None → 0</li></ul>$b$, $j$[{"field": "owner_id", "label": "Owner", "new_value": null, "old_value": 2, "new_display": null, "old_display": "Bob <b> & co \"q\" 's"}, {"field": "due", "label": "Due", "new_value": "2027-12-31", "old_value": null, "new_display": "2027-12-31", "old_display": null}, {"field": "qty", "label": "Qty", "new_value": null, "old_value": 3.10, "new_display": null, "old_display": "3.10"}, {"field": "n", "label": "N", "new_value": 0, "old_value": null, "new_display": "0", "old_display": null}]$j$);
-- Each Tracking message of a change (not Record Created) with its round and its path.
CREATE TEMP TABLE read_changes AS
SELECT m.id, m.document, rank() OVER (PARTITION BY m.document ORDER BY m.id) AS round,
       CASE WHEN m.document = 1 THEN 'single-row' WHEN m.document <= 3 THEN 'row loop' ELSE 'bulk' END AS path
  FROM chatter.messages AS m
 WHERE m.model = 'read_lots' AND m.message_type = 'Tracking' AND m.body <> 'Record Created';
GRANT SELECT ON read_expected, read_changes TO chatter_app;

SELECT is((SELECT count(*)::integer FROM read_changes), 200, 'one Tracking message per row and round');
SELECT is((SELECT count(*)::integer FROM chatter.messages AS m JOIN read_changes AS c ON c.id = m.id
            WHERE m.tracking IS NULL AND m.tracking_values IS NOT NULL), 200,
          'stored typed: tracking_values set, no jsonb built (issue 23)');
SELECT is((SELECT count(DISTINCT (c.round, m.tracking_values::text))::integer
             FROM chatter.messages AS m JOIN read_changes AS c ON c.id = m.id), 2,
          'the three paths store the same typed values (one form per round)');

-- The renderer, as the owner sees the rows.
SELECT is((SELECT array_agg(DISTINCT c.path || ': ' || (chatter.tracking_json(m.tracking, m.tracking_values) = e.tracking)::text)
             FROM chatter.messages AS m JOIN read_changes AS c ON c.id = m.id JOIN read_expected AS e ON e.round = c.round),
          '{"bulk: true","row loop: true","single-row: true"}',
          'chatter.tracking_json: the JSON v0.9.0 stored, on every path and round');
SELECT is((SELECT array_agg(DISTINCT c.path || ': ' || (m.body = e.body)::text)
             FROM chatter.messages AS m JOIN read_changes AS c ON c.id = m.id JOIN read_expected AS e ON e.round = c.round),
          '{"bulk: true","row loop: true","single-row: true"}',
          'the body v0.9.0 stored, byte for byte, on every path and round');
SELECT is((SELECT chatter.tracking_json(m.tracking, m.tracking_values)::text FROM chatter.messages AS m
            WHERE m.id = (SELECT min(id) FROM read_changes WHERE document = 50)),
          (SELECT tracking::text FROM read_expected WHERE round = 1),
          'the same text as the stored jsonb (key order, numbers 3.10 and money)');

-- A message stored the old way (body and jsonb, no typed values) reads as stored.
INSERT INTO chatter.messages (message_type, model, document, body, tracking)
VALUES ('Tracking', 'read_lots', 5, '<ul><li>Old: a → b</li></ul>',
        '[{"field": "old", "label": "Old", "old_value": "a", "new_value": "b", "old_display": "a", "new_display": "b"}]')
RETURNING id AS old_form \gset

SET LOCAL ROLE chatter_app;
-- message_wire: the HTTP routes, the WebSocket catch-up and the relay.
SELECT is((SELECT array_agg(DISTINCT c.path || ': ' || (w -> 'tracking' = e.tracking)::text)
             FROM chatter.messages AS m JOIN read_changes AS c ON c.id = m.id JOIN read_expected AS e ON e.round = c.round,
                  chatter.message_wire(m) AS w),
          '{"bulk: true","row loop: true","single-row: true"}',
          'message_wire as chatter_app: the tracking v0.9.0 stored, every path and round');
SELECT is((SELECT array_agg(DISTINCT c.path || ': ' || (w ->> 'body' = e.body)::text)
             FROM chatter.messages AS m JOIN read_changes AS c ON c.id = m.id JOIN read_expected AS e ON e.round = c.round,
                  chatter.message_wire(m) AS w),
          '{"bulk: true","row loop: true","single-row: true"}',
          'message_wire as chatter_app: the body v0.9.0 stored, every path and round');
-- record_feed: rows of chatter.messages, with the tracking column as it was stored.
SELECT is((SELECT array_agg(f.tracking ORDER BY f.id) FROM chatter.record_feed('read_lots', 1) AS f
            WHERE f.body <> 'Record Created'),
          (SELECT array_agg(tracking ORDER BY round) FROM read_expected),
          'record_feed, single-row path: tracking as v0.9.0 stored it');
SELECT is((SELECT array_agg(f.tracking ORDER BY f.id) FROM chatter.record_feed('read_lots', 3) AS f
            WHERE f.body <> 'Record Created'),
          (SELECT array_agg(tracking ORDER BY round) FROM read_expected),
          'record_feed, row loop: tracking as v0.9.0 stored it');
SELECT is((SELECT array_agg(f.tracking ORDER BY f.id) FROM chatter.record_feed('read_lots', 99) AS f
            WHERE f.body <> 'Record Created'),
          (SELECT array_agg(tracking ORDER BY round) FROM read_expected),
          'record_feed, bulk path: tracking as v0.9.0 stored it');
SELECT is((SELECT array_agg(f.body ORDER BY f.id) FROM chatter.record_feed('read_lots', 99) AS f
            WHERE f.body <> 'Record Created'),
          (SELECT array_agg(body ORDER BY round) FROM read_expected),
          'record_feed: the body as v0.9.0 stored it');
SELECT is((SELECT f.tracking_values::text FROM chatter.record_feed('read_lots', 99) AS f ORDER BY f.id DESC LIMIT 1),
          (SELECT m.tracking_values::text FROM chatter.messages AS m WHERE m.model = 'read_lots' AND m.document = 99
            ORDER BY m.id DESC LIMIT 1),
          'record_feed keeps the typed values beside the rendered column');
SELECT is((SELECT count(*)::integer FROM chatter.record_feed('read_lots', 2)), 3,
          'record_feed: Record Created and both changes, nothing more');
-- The old form, through each path.
SELECT is((SELECT chatter.message_wire(m) -> 'tracking' FROM chatter.messages AS m WHERE m.id = :old_form),
          '[{"field": "old", "label": "Old", "old_value": "a", "new_value": "b", "old_display": "a", "new_display": "b"}]'::jsonb,
          'a message stored as jsonb: message_wire returns it as stored');
SELECT is((SELECT f.tracking FROM chatter.record_feed('read_lots', 5) AS f WHERE f.id = :old_form),
          '[{"field": "old", "label": "Old", "old_value": "a", "new_value": "b", "old_display": "a", "new_display": "b"}]'::jsonb,
          'a message stored as jsonb: record_feed returns it as stored');
SELECT is((SELECT f.body FROM chatter.record_feed('read_lots', 5) AS f WHERE f.id = :old_form),
          '<ul><li>Old: a → b</li></ul>', 'a message stored as jsonb: its body as stored');
SELECT is(chatter.tracking_json(NULL, NULL), NULL, 'a message without tracking has none');
SELECT is(chatter.tracking_json(NULL, '{NULL,NULL}'), NULL, 'no changed slot, no entries');

-- Refused: the application hides lot 100 from chatter_app.
SELECT throws_ok($$SELECT * FROM chatter.record_feed('read_lots', 100)$$, 'CH003', NULL,
                 'record_feed of a lot the application hides: CH003, typed values or not');
SELECT is_empty($$SELECT chatter.message_wire(m) FROM chatter.messages AS m WHERE m.model = 'read_lots' AND m.document = 100$$,
                'its Tracking messages are not readable, rendered or raw');
SELECT is_empty($$SELECT chatter.tracking_json(m.tracking, m.tracking_values) FROM chatter.messages AS m
                   WHERE m.model = 'read_lots' AND m.document = 100$$,
                'nor through the renderer');
RESET ROLE;

-- A rename of the label later does not change what an earlier message says (the label is stored).
COMMENT ON COLUMN public.read_lots.title IS 'Headline';
SELECT is((SELECT chatter.tracking_json(m.tracking, m.tracking_values) -> 2 ->> 'label' FROM chatter.messages AS m
            WHERE m.id = (SELECT min(id) FROM read_changes WHERE document = 50)),
          'Title <i>', 'an entry keeps the label it was written with');
UPDATE public.read_lots SET title = 'renamed' WHERE id = 50;
SELECT is((SELECT chatter.tracking_json(m.tracking, m.tracking_values) -> 0 ->> 'label' FROM chatter.messages AS m
            WHERE m.model = 'read_lots' AND m.document = 50 ORDER BY m.id DESC LIMIT 1),
          'Headline', 'a new message takes the new label');

-- Back to the default storage: the tracking column again, no typed values.
SELECT chatter.track_storage('public.read_lots', 'jsonb');
UPDATE public.read_lots SET title = 'again' WHERE id = 50;
SELECT is((SELECT m.tracking::text || ' / ' || (m.tracking_values IS NULL)::text FROM chatter.messages AS m
            WHERE m.model = 'read_lots' AND m.document = 50 ORDER BY m.id DESC LIMIT 1),
          '[{"field": "title", "label": "Headline", "new_value": "again", "old_value": "renamed", "new_display": "again", "old_display": "renamed"}] / true',
          'jsonb storage (the default): the tracking column as before, no typed values');
-- Refused: a storage that does not exist, a table not enabled, an application role.
SELECT throws_ok($$SELECT chatter.track_storage('public.read_lots', 'xml')$$, 'CH005', NULL, 'an unknown storage: CH005');
SELECT throws_ok($$SELECT chatter.track_storage('public.read_lots', NULL)$$, 'CH005', NULL, 'no storage: CH005');
SELECT throws_ok($$SELECT chatter.track_storage('public.read_owners', 'typed')$$, 'CH003', NULL, 'a table not enabled: CH003');
SET LOCAL ROLE chatter_app;
SELECT throws_ok($$SELECT chatter.track_storage('public.read_lots', 'typed')$$, '42501', NULL,
                 'chatter_app may not switch a table''s storage');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
