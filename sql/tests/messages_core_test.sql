-- The shared core: message types, subtypes, the messages table and record lookup.
BEGIN;
SELECT plan(18);

SELECT enum_has_labels('chatter', 'message_type', ARRAY['Message', 'Note', 'Tracking', 'Email'],
    'message_type has the seed''s human-readable values, and Email (SPEC 8a)');
SELECT results_eq(
    $$SELECT identifier::text FROM chatter.subtypes ORDER BY id$$,
    $$VALUES ('comment'), ('note'), ('activities'), ('tracking')$$,
    'the four shipped subtypes');
SELECT ok((SELECT internal AND NOT is_default FROM chatter.subtypes WHERE identifier = 'note'),
    'note is internal and not subscribed by default');
SELECT has_table('chatter', 'messages', 'messages table');
SELECT col_default_is('chatter', 'messages', 'message_type', 'Message', 'a message is a Message by default');
SELECT throws_ok($$INSERT INTO chatter.messages (model, body) VALUES ('leads', 'x')$$, '23514', NULL,
    'a model without a document is refused');
SELECT throws_ok($$INSERT INTO chatter.messages (body, tracking) VALUES ('x', '{}')$$, '23514', NULL,
    'tracking values are an array');
-- The shape rules are the messages_limits trigger's since issue 23 (a CHECK compiled for every INSERT
-- before): they hold for updates too, and for every type but Tracking, whose shape the tracking functions make.
INSERT INTO chatter.messages (message_type, model, document, body) VALUES ('Note', 'leads', 7, 'shape');
SELECT throws_ok($$UPDATE chatter.messages SET document = NULL WHERE body = 'shape'$$, '23514', NULL,
    'an update that leaves a model without a document is refused');
SELECT throws_ok($$UPDATE chatter.messages SET tracking = '{"a": 1}' WHERE body = 'shape'$$, '23514', NULL,
    'an update that makes tracking values no array is refused');
SELECT throws_ok($$UPDATE chatter.messages SET message_type = 'Message', channel_id = 1 WHERE body = 'shape'$$,
    '23514', NULL, 'a message in a channel and on a record is refused');
SELECT is((SELECT count(*)::int FROM pg_constraint WHERE conrelid = 'chatter.messages'::regclass AND contype = 'c'), 0,
    'chatter.messages has no CHECK left for an INSERT statement to compile');
DELETE FROM chatter.messages WHERE body = 'shape';

CREATE TABLE public.leads (id int PRIMARY KEY, name text);
INSERT INTO public.leads VALUES (1, 'First lead');
SELECT chatter.enable('leads');
SELECT is((chatter._model('leads')).key_column, 'id'::name, '_model returns the registration');
SELECT throws_ok($$SELECT chatter._model('nope')$$, 'CH003', NULL, 'an unknown model is CH003');
SELECT throws_ok($$SELECT chatter._model(NULL)$$, 'CH003', NULL, 'a NULL model is CH003');
SELECT is((chatter._check_record('leads', 1)).model, 'leads', '_check_record finds an existing record');
SELECT throws_ok($$SELECT chatter._check_record('leads', 2)$$, 'CH003', NULL, 'a missing record is CH003');
SELECT throws_ok($$SELECT chatter._check_record('leads', NULL)$$, 'CH003', NULL, 'a NULL record is CH003');
SELECT throws_ok($$SELECT chatter._check_record('nope', 1)$$, 'CH003', NULL, 'a record of an unknown model is CH003');

SELECT * FROM finish();
ROLLBACK;
