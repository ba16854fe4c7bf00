-- chatter.search_messages (SPEC 5, issue 21): full-text search as chatter_app under row-level security.
-- Each user finds exactly what they may read: not a private channel they are not in, not someone else's
-- DM, not a record the application's own policy hides, not an internal note when they are a customer.
BEGIN;
SELECT plan(58);

INSERT INTO chatter.contacts (id, name, email) VALUES
    (9951, 'Alice Search', 'alice@search.invalid'), (9952, 'Bob Search', 'bob@search.invalid'),
    (9953, 'Carol Search', 'carol@search.invalid'), (9954, 'Paula Portal', 'paula@search.invalid');
INSERT INTO chatter.users (id, contact_id, username, share) VALUES
    (951, 9951, 'alice_search', false), (952, 9952, 'bob_search', false), (953, 9953, 'carol_search', false),
    (954, 9954, 'paula_search', true);

-- The application: each user sees the orders they own; the portal user Paula sees order 1 as its customer.
CREATE TABLE public.search_orders (id int PRIMARY KEY, name text, state varchar(20), owner_id bigint,
                                   customer_id bigint REFERENCES chatter.contacts (id));
ALTER TABLE public.search_orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY search_orders_owner ON public.search_orders TO chatter_app
    USING (owner_id = nullif(current_setting('chatter.user_id', true), '')::bigint
           OR (id = 1 AND nullif(current_setting('chatter.user_id', true), '')::bigint = 954));
GRANT SELECT, UPDATE ON public.search_orders TO chatter_app;
INSERT INTO public.search_orders VALUES (1, 'S00001', 'draft', 951, 9954), (2, 'S00002', 'draft', 952, 9954);
SELECT chatter.enable('search_orders', contact_columns => '{customer_id}');

-- Order 1 (Alice's; Paula is its customer): a message and an internal note. Order 2: Bob's only, although
-- Alice follows it (she followed before it became Bob's).
SELECT chatter.create_message('<p>The <b>pelican</b> quotation is ready</p>', model => 'search_orders', document => 1)
    AS o1_msg \gset
SELECT chatter.create_message('pelican margin is thin, do not tell the customer', message_type => 'Note',
                              model => 'search_orders', document => 1) AS o1_note \gset
SELECT chatter.create_message('pelican discount for Bob only', model => 'search_orders', document => 2) AS o2_msg \gset
SELECT chatter.subscribe('search_orders', 1, '{9951,9954}');
SELECT chatter.subscribe('search_orders', 2, '{9951,9952}');
UPDATE public.search_orders SET state = 'renamed' WHERE id = 1;   -- a Tracking message

SELECT chatter.create_channel('board-search', 'Private', 952, '{953}') AS board \gset
SELECT chatter.create_channel('lobby-search', 'Public', 952) AS lobby \gset
SELECT chatter.create_channel('team-search', 'Private', 951, '{952}') AS team \gset
SELECT chatter.channel_post(:board, 952, 'pelican acquisition, board only') AS board_msg \gset
SELECT chatter.channel_post(:lobby, 952, 'pelican lunch in the lobby') AS lobby_msg \gset
SELECT chatter.channel_post(chatter.get_or_create_dm(952, 953), 952, 'pelican gossip between us') AS dm_msg \gset
SELECT chatter.channel_post(:team, 951, 'the exact words of the pelican') AS team_1 \gset
SELECT chatter.channel_post(:team, 952, 'words exact, pelican order changed') AS team_2 \gset
SELECT chatter.channel_post(:team, 951, 'Quotations and <script>alert(1)</script> <img src=x onerror=alert(1)> &lt;b&gt;bold&lt;/b&gt; & co')
    AS team_3 \gset

SELECT has_column('chatter', 'messages', 'search_vector', 'messages carry a search vector');
SELECT ok((SELECT attgenerated = '' FROM pg_attribute
            WHERE attrelid = 'chatter.messages'::regclass AND attname = 'search_vector')
          AND (SELECT count(*) = 2 FROM pg_trigger WHERE tgrelid = 'chatter.messages'::regclass
                  AND tgname IN ('messages_limits', 'messages_search_vector') AND tgenabled = 'A'),
    'the database keeps it: a column its triggers write (issue 23: no generated column compiled per INSERT)');
SELECT is((SELECT count(*) FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid JOIN pg_am AS a ON a.oid = c.relam
            WHERE i.indrelid = 'chatter.messages'::regclass AND c.relname = 'messages_search_idx' AND a.amname = 'gin'),
    1::bigint, 'a GIN index serves it');
SELECT is((SELECT count(*) FROM chatter.messages
            WHERE model = 'search_orders' AND message_type = 'Tracking' AND search_vector IS NULL), 1::bigint,
    'Tracking messages are not indexed');
SELECT is(chatter._search_config(), 'simple'::regconfig, 'the configuration is simple by default');
-- Bounded: a body of 500,000 characters is indexed by its first 100,000 (a tsvector holds at most 1 MB).
SELECT chatter.channel_post(:team, 951, 'heron ' || repeat('<p>filler text goes on and on</p> ', 14000) || ' egret')
    AS long_msg \gset
SELECT ok((SELECT search_vector @@ 'heron'::tsquery AND NOT search_vector @@ 'egret'::tsquery
             FROM chatter.messages WHERE id = :long_msg),
    'a long body: its first 100,000 characters are indexed, not the rest');
UPDATE chatter.messages SET body = 'ibis', subject = 'Stork' WHERE id = :long_msg;
SELECT is((SELECT search_vector FROM chatter.messages WHERE id = :long_msg), '''ibis'':2 ''stork'':1A'::tsvector,
    'an edit recomputes the vector (subject weighted A)');
DELETE FROM chatter.messages WHERE id = :long_msg;

-- Step 2 of the index part: Alice in 11 channels (a walk of 4,000), an old message behind 4,100 newer ones.
SELECT chatter.create_channel('walk-search-' || g, 'Private', 951) FROM generate_series(1, 10) AS g;
SELECT chatter.channel_post(:team, 951, 'a sandpiper long ago') AS old_msg \gset
INSERT INTO chatter.messages (channel_id, author_id, body)
    SELECT c.id, 9951, 'filler sandpipers' FROM chatter.channels AS c, generate_series(1, 410) AS g
     WHERE c.name LIKE 'walk-search-%';

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '951';
SELECT results_eq($$SELECT message_id FROM chatter.search_messages('sandpiper')$$, format('VALUES (%s::bigint)', :old_msg),
    'a match older than the walk is found through the index (step 2)');
SELECT is((SELECT count(*) FROM chatter.search_messages('sandpipers', "limit" => 30)), 30::bigint,
    'a common word fills the page in the walk (step 1)');
RESET ROLE;
DELETE FROM chatter.messages WHERE body = 'filler sandpipers' OR id = :old_msg;
DELETE FROM chatter.channels WHERE name LIKE 'walk-search-%';

-- Step 3, the windows below the walk: 'plover' 40 times among Alice's newest 4,000 messages (more than a
-- rare word's 3: no reading of every match), 120 times before them, every third in the board she is not
-- in; the phrase 'plover notes' only in those older ones. Each page is exactly her newest matches.
SELECT chatter.create_channel('walk-search-' || g, 'Private', 951) FROM generate_series(1, 10) AS g;
INSERT INTO chatter.messages (channel_id, author_id, body)
    SELECT CASE WHEN g % 3 = 0 THEN :board ELSE :team END, 9952, 'plover notes ' || g FROM generate_series(1, 120) AS g;
INSERT INTO chatter.messages (channel_id, author_id, body)
    SELECT c.id, 9951, CASE WHEN g % 90 = 0 THEN 'notes plover' ELSE 'filler sandpipers' END
      FROM chatter.channels AS c, generate_series(1, 410) AS g WHERE c.name LIKE 'walk-search-%';
SELECT array_agg(id ORDER BY id DESC) AS plover_page FROM (
    SELECT id FROM chatter.messages WHERE body LIKE '%plover%' AND channel_id <> :board ORDER BY id DESC LIMIT 50) AS p \gset
SELECT array_agg(id ORDER BY id DESC) AS plover_next FROM (
    SELECT id FROM chatter.messages WHERE body LIKE '%plover%' AND channel_id <> :board
       AND id < (:'plover_page'::bigint[])[50] ORDER BY id DESC LIMIT 50) AS p \gset
SELECT array_agg(id ORDER BY id DESC) AS phrase_page FROM (
    SELECT id FROM chatter.messages WHERE body LIKE 'plover notes%' AND channel_id <> :board ORDER BY id DESC LIMIT 20) AS p \gset

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '951';
SELECT is((SELECT array_agg(message_id) FROM chatter.search_messages('plover')), :'plover_page'::bigint[],
    'past the walk, windows of older ids: exactly her newest matches, none of the board''s between them');
SELECT is((SELECT array_agg(message_id) FROM chatter.search_messages('plover', before_id => (:'plover_page'::bigint[])[50])),
          :'plover_next'::bigint[], 'the next page (before_id) continues below it');
SELECT is((SELECT array_agg(message_id) FROM chatter.search_messages('"plover notes"', "limit" => 20)),
          :'phrase_page'::bigint[], 'a phrase with no hit in the walk: windows from the newest id down');
SET LOCAL chatter.user_id = '953';
SELECT is((SELECT count(*) FILTER (WHERE s.channel_id = :board) || '/' || count(*) FROM chatter.search_messages('plover') AS s),
    '40/40', 'Carol, in the board, finds its 40 and none of the team''s');
RESET ROLE;
DELETE FROM chatter.messages WHERE body LIKE '%plover%' OR body = 'filler sandpipers';
DELETE FROM chatter.channels WHERE name LIKE 'walk-search-%';

SET LOCAL ROLE chatter_app;

-- Alice: internal, member of team, owner of order 1, follower of order 2 (hidden from her by the application).
SET LOCAL chatter.user_id = '951';
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('pelican')$$,
    ARRAY[:o1_msg, :o1_note, :team_1, :team_2]::bigint[],
    'everything Alice may read: her channel and the record she follows, its note included');
SELECT is_empty(format($$SELECT FROM chatter.search_messages('pelican') WHERE message_id IN (%s, %s, %s, %s)$$,
                       :board_msg, :dm_msg, :o2_msg, :lobby_msg),
    'not a private channel she is not in, nor a DM of others, nor the record the application hides from her');
SELECT throws_ok($$SELECT * FROM chatter.search_messages('pelican', 'search_orders', 2)$$, 'CH003', NULL,
    'searching a record the application hides: CH003, as for one that does not exist');
SELECT throws_ok(format($$SELECT * FROM chatter.search_messages('pelican', channel => %s)$$, :board), 'CH003', NULL,
    'searching a private channel one is not in: not found, as its history');
SELECT set_eq(format($$SELECT message_id FROM chatter.search_messages('pelican', channel => %s)$$, :lobby),
    ARRAY[:lobby_msg]::bigint[], 'a Public channel she has not joined is searched when named');
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('pelican', 'search_orders', 1)$$,
    ARRAY[:o1_msg, :o1_note]::bigint[], 'one record''s feed');
SELECT is_empty($$SELECT FROM chatter.search_messages('renamed', 'search_orders', 1)$$,
    'Tracking messages are not found');
SELECT results_eq(format($$SELECT message_id, model, document, channel_id FROM chatter.search_messages('pelican', channel => %s)$$, :team),
    format('VALUES (%s::bigint, NULL::text, NULL::bigint, %s::bigint), (%s, NULL, NULL, %s)', :team_2, :team, :team_1, :team),
    'one channel, newest first, with its model, document and channel');
SELECT results_eq($$SELECT message_id, model, document FROM chatter.search_messages('pelican', 'search_orders', 1) LIMIT 1$$,
    format($$VALUES (%s::bigint, 'search_orders'::text, 1::bigint)$$, :o1_note), 'record hits name their record');

-- Phrases and prefixes.
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('"exact words"')$$, ARRAY[:team_1]::bigint[],
    'a phrase matches the words in that order only');
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('exact words')$$, ARRAY[:team_1, :team_2]::bigint[],
    'without quotes, all the words in any order');
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('quot*')$$, ARRAY[:o1_msg, :team_3]::bigint[],
    'a prefix');
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('pelic* -exact')$$, ARRAY[:o1_msg, :o1_note]::bigint[],
    'a prefix and an excluded word');
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('pelican or bold')$$,
    ARRAY[:o1_msg, :o1_note, :team_1, :team_2, :team_3]::bigint[], 'or');
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('PELICAN Quotation')$$, ARRAY[:o1_msg]::bigint[],
    'case-insensitive, tags stripped before indexing');
SELECT is_empty($$SELECT FROM chatter.search_messages('script') UNION ALL SELECT FROM chatter.search_messages('onerror')$$,
    'tag names and attributes are not indexed');

-- A malformed query never raises a syntax error: it finds nothing, or what its words find.
SELECT lives_ok($$SELECT * FROM chatter.search_messages('"unterminated (( ) & | ! :* '' \ --')$$,
    'a malformed query is no error');
SELECT is_empty($$SELECT FROM chatter.search_messages('!!! & | ( ) :* "')$$, 'punctuation only finds nothing');
SELECT is_empty($$SELECT FROM chatter.search_messages('')$$, 'an empty query finds nothing');
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('pelican):*|!(')$$,
    ARRAY[:o1_msg, :o1_note, :team_1, :team_2]::bigint[], 'tsquery operators are words, not syntax');
SELECT throws_ok($$SELECT * FROM chatter.search_messages(NULL)$$, 'CH005', NULL, 'a NULL query: CH005');
SELECT throws_like($$SELECT * FROM chatter.search_messages(repeat('x', 201))$$, '%search_chars%',
    'a query over the limit: CH005 naming chatter.limits search_chars');
SELECT throws_ok($$SELECT * FROM chatter.search_messages('aa* bb* cc* dd* ee* ff*')$$, 'CH005', NULL,
    'at most five prefixes');
SELECT throws_ok($$SELECT * FROM chatter.search_messages('pelican', "limit" => 0)$$, 'CH005', NULL, 'limit 0: CH005');
SELECT throws_ok($$SELECT * FROM chatter.search_messages('pelican', "limit" => 1001)$$, 'CH005', NULL,
    'limit over 1000: CH005');
SELECT throws_ok($$SELECT * FROM chatter.search_messages('pelican', 'search_orders', 1, 1)$$, 'CH005', NULL,
    'a record and a channel at once: CH005');

-- Pages: limit and before_id.
SELECT results_eq($$SELECT message_id FROM chatter.search_messages('pelican', "limit" => 2)$$,
    format('VALUES (%s::bigint), (%s)', :team_2, :team_1), 'limit: the newest hits');
SELECT results_eq(format($$SELECT message_id FROM chatter.search_messages('pelican', before_id => %s)$$, :team_1),
    format('VALUES (%s::bigint), (%s)', :o1_note, :o1_msg), 'before_id: the next page');

-- The snippet: HTML-escaped text (chatter.html_text: a script is no text, an escaped tag is text), with
-- <mark> around the matches and no other tag.
SELECT is((SELECT snippet FROM chatter.search_messages('bold')),
    'Quotations and &lt;b&gt;<mark>bold</mark>&lt;/b&gt; &amp; co', 'the snippet is escaped text with <mark>');
SELECT is_empty($$SELECT FROM chatter.search_messages('pelican or bold or quotations')
                   WHERE regexp_replace(snippet, '</?mark>', '', 'g') ~ '[<>]'$$,
    'no snippet holds a tag but <mark>');
SELECT ok((SELECT bool_and(rank > 0) FROM chatter.search_messages('pelican')), 'hits are ranked');

-- Paula, the customer (a share user): order 1's message, never its internal note; no channel.
SET LOCAL chatter.user_id = '954';
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('pelican')$$, ARRAY[:o1_msg]::bigint[],
    'a customer finds the message of her order, not its internal note');
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('pelican', 'search_orders', 1)$$, ARRAY[:o1_msg]::bigint[],
    'nor in the record''s own search');
SELECT throws_ok(format($$SELECT * FROM chatter.search_messages('pelican', channel => %s)$$, :lobby), 'CH003', NULL,
    'a customer does not search Public channels');

-- Carol: member of the board and of the DM with Bob; not of team.
SET LOCAL chatter.user_id = '953';
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('pelican')$$, ARRAY[:board_msg, :dm_msg]::bigint[],
    'Carol finds her board and her DM, nothing else');
SELECT throws_ok(format($$SELECT * FROM chatter.search_messages('pelican', channel => %s)$$, :team), 'CH003', NULL,
    'a private channel she is not in: CH003');

-- The configuration is the owner's to choose: chatter_app may not, the owner rebuilds the column.
SELECT throws_ok($$SELECT chatter.set_search_config('english')$$, '42501', NULL, 'chatter_app may not change it');
SET LOCAL chatter.user_id = '';
SELECT throws_ok($$SELECT * FROM chatter._search_channel_hits('pelican', NULL, NULL, 10)$$, 'CH004', NULL,
    'the definer part needs an acting user too');
RESET ROLE;
SELECT chatter.set_search_config('english');
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '951';
SELECT set_eq($$SELECT message_id FROM chatter.search_messages('quotation')$$, ARRAY[:o1_msg, :team_3]::bigint[],
    'english: quotations and quotation are one word, after the rebuild');

-- The vector is written by triggers (issue 23: a generated column before): the same value as the
-- generated column gave, for every way a row is written.
RESET ROLE;
INSERT INTO chatter.messages (message_type, model, document, subject, body)
VALUES ('Message', 'orders', 1, 'Vector <subject>', '<p>pelicans &amp; quotations</p>'),
       ('Tracking', 'orders', 1, NULL, '<ul><li>Qty: 1 → 2</li></ul>');
SELECT is((SELECT search_vector FROM chatter.messages WHERE subject = 'Vector <subject>'),
          chatter._search_vector('Vector <subject>', '<p>pelicans &amp; quotations</p>'),
          'an inserted message gets the vector of its subject and body (the current configuration)');
SELECT is((SELECT search_vector FROM chatter.messages WHERE body = '<ul><li>Qty: 1 → 2</li></ul>'), NULL,
          'a Tracking message has none');
UPDATE chatter.messages SET body = '<p>albatross</p>' WHERE subject = 'Vector <subject>';
SELECT is((SELECT search_vector FROM chatter.messages WHERE subject = 'Vector <subject>'),
          chatter._search_vector('Vector <subject>', '<p>albatross</p>'), 'an edited body gets its new vector');
UPDATE chatter.messages SET message_type = 'Tracking' WHERE subject = 'Vector <subject>';
SELECT is((SELECT search_vector FROM chatter.messages WHERE subject = 'Vector <subject>'), NULL,
          'a message made Tracking loses it');
UPDATE chatter.messages SET message_type = 'Note' WHERE subject = 'Vector <subject>';
SELECT is((SELECT search_vector FROM chatter.messages WHERE subject = 'Vector <subject>'),
          chatter._search_vector('Vector <subject>', '<p>albatross</p>'), 'and gets it back as a Note');
SELECT chatter.set_search_config('simple');
SELECT ok((SELECT bool_and(search_vector IS NOT DISTINCT FROM CASE WHEN message_type = 'Tracking' THEN NULL
                                   ELSE chatter._search_vector(subject, body) END) FROM chatter.messages),
          'set_search_config computes every vector again with the new configuration');

SELECT * FROM finish();
ROLLBACK;
