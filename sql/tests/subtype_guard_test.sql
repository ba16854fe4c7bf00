-- messages.subtype_id without its foreign key (issue 23, messages_subtype_guard): what the key did, done by
-- the writers (FOR KEY SHARE on the subtype they pick) and by triggers on chatter.subtypes.
BEGIN;
SELECT plan(19);

CREATE TABLE public.deals (id int PRIMARY KEY, name varchar(40), amount numeric);
INSERT INTO public.deals VALUES (1, 'Deal one', 10), (2, 'Deal two', 20);
SELECT chatter.enable('deals');
INSERT INTO chatter.subtypes (id, identifier, name) VALUES (9001, 'custom_one', 'Custom one'), (9002, 'custom_two', 'Custom two');

SELECT is_empty($$SELECT FROM pg_constraint WHERE conrelid = 'chatter.messages'::regclass AND conname = 'messages_subtype_id_fkey'$$,
    'no foreign key on messages.subtype_id');
SELECT ok((SELECT prosrc NOT LIKE '%FOR KEY SHARE%' AND prosrc NOT LIKE '%chatter.subtypes%' FROM pg_proc
            WHERE oid = (SELECT tgfoid FROM pg_trigger WHERE tgrelid = 'public.deals'::regclass AND tgname ~ 'update')),
    'the generated tracking function neither looks up nor locks its subtype (protected: subtypes_protect_test)');

-- Writers: the subtype by construction; an id from input is refused as the foreign key did.
UPDATE public.deals SET amount = 11 WHERE id = 1;
SELECT is((SELECT s.identifier FROM chatter.messages m JOIN chatter.subtypes s ON s.id = m.subtype_id
            WHERE m.model = 'deals' AND m.document = 1 AND m.body LIKE '<ul>%'), 'tracking',
    'a tracked UPDATE writes the tracking subtype');
SELECT lives_ok($$INSERT INTO chatter.messages (message_type, subtype_id, model, document, body)
                  VALUES ('Note', 9001, 'deals', 1, 'custom note')$$, 'a message with an existing subtype');
SELECT throws_ok($$INSERT INTO chatter.messages (message_type, subtype_id, model, document, body)
                   VALUES ('Note', 424242, 'deals', 1, 'bad')$$, '23503',
    'insert or update on table "messages" violates foreign key constraint "messages_subtype_id_fkey"',
    'an unknown subtype id on INSERT: 23503 as the foreign key');
SELECT throws_ok($$UPDATE chatter.messages SET subtype_id = 424242 WHERE body = 'custom note'$$, '23503',
    'insert or update on table "messages" violates foreign key constraint "messages_subtype_id_fkey"',
    'an unknown subtype id on UPDATE: 23503');
SELECT throws_ok($$UPDATE chatter.messages SET subtype_id = 424242 WHERE model = 'deals' AND message_type = 'Tracking'$$,
    '23503', NULL, 'on a Tracking message too (messages_limits skips those)');
SELECT lives_ok($$UPDATE chatter.messages SET subtype_id = 9002 WHERE body = 'custom note'$$,
    'a change to an existing subtype');
SELECT lives_ok($$UPDATE chatter.messages SET subtype_id = 9001 WHERE body = 'custom note'$$, 'and back');

-- The referenced side: ON DELETE SET NULL, NO ACTION on a key change, no TRUNCATE under references.
SELECT throws_ok($$UPDATE chatter.subtypes SET id = 9003 WHERE id = 9001$$, '23503',
    'update or delete on table "subtypes" violates foreign key constraint "messages_subtype_id_fkey" on table "messages"',
    'a referenced subtype id cannot change');
SELECT lives_ok($$UPDATE chatter.subtypes SET id = 9004 WHERE id = 9002$$, 'an unreferenced one can');
-- (subtypes_protect refuses every TRUNCATE of chatter.subtypes first, CH002: switched off to reach this one)
ALTER TABLE chatter.subtypes DISABLE TRIGGER subtypes_protect_truncate;
SELECT throws_ok($$TRUNCATE chatter.subtypes$$, '0A000', 'cannot truncate a table referenced in a foreign key constraint',
    'TRUNCATE of subtypes under referencing messages is refused');
ALTER TABLE chatter.subtypes ENABLE ALWAYS TRIGGER subtypes_protect_truncate;
DELETE FROM chatter.subtypes WHERE id = 9001;
SELECT is((SELECT subtype_id FROM chatter.messages WHERE body = 'custom note'), NULL,
    'deleting a subtype sets its messages'' subtype_id to NULL');
-- The tracking subtype is protected (subtypes_protect). An owner who switches that off and deletes it gets
-- the key's action too; the generated functions, once generated again, look the subtype up per statement.
SELECT throws_ok($$DELETE FROM chatter.subtypes WHERE identifier = 'tracking'$$, 'CH002', NULL,
    'the tracking subtype is protected');
ALTER TABLE chatter.subtypes DISABLE TRIGGER subtypes_protect;
DELETE FROM chatter.subtypes WHERE identifier = 'tracking';
ALTER TABLE chatter.subtypes ENABLE ALWAYS TRIGGER subtypes_protect;
SELECT is((SELECT count(*) FROM chatter.messages WHERE model = 'deals' AND subtype_id IS NOT NULL), 0::bigint,
    'deleting the tracking subtype (its protection off) sets its messages'' subtype_id to NULL');
SELECT chatter.enable('deals');
UPDATE public.deals SET amount = 21 WHERE id = 2;
SELECT is((SELECT subtype_id FROM chatter.messages WHERE model = 'deals' AND document = 2 AND body LIKE '<ul>%'), NULL,
    'generated again without it, a tracked UPDATE writes no subtype (v0.10.0''s subquery finds none)');
INSERT INTO chatter.subtypes (id, identifier, name) VALUES (9005, 'tracking', 'Tracking');
UPDATE public.deals SET amount = 22 WHERE id = 2;
SELECT is((SELECT subtype_id FROM chatter.messages WHERE model = 'deals' AND document = 2 AND body LIKE '%21 → 22%'),
    9005::bigint, 'and finds it when it is back');

-- chatter_app changes neither side.
SET LOCAL ROLE chatter_app;
SELECT throws_ok($$DELETE FROM chatter.subtypes WHERE identifier = 'comment'$$, '42501', NULL,
    'chatter_app cannot delete a subtype');
SELECT throws_ok($$UPDATE chatter.messages SET subtype_id = NULL$$, '42501', NULL,
    'chatter_app cannot change a message''s subtype');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
