-- The share rule of the messages policy (SPEC 2a): a share (portal) user sees no Note and no message of an
-- internal subtype; one function, chatter._shown_to_share, called by the policy and by the bridge's batched
-- catch-up (tests/test_realtime_batches.py). Tested as chatter_app with row-level security on.
BEGIN;
SELECT plan(13);

INSERT INTO chatter.contacts (id, name) VALUES (9931, 'Ivy Internal'), (9932, 'Pat Portal');
INSERT INTO chatter.users (id, contact_id, username, share) VALUES (993, 9931, 'ivy_share_rule', false),
    (994, 9932, 'pat_share_rule', true);
CREATE TABLE public.share_orders (id int PRIMARY KEY, name text);
INSERT INTO public.share_orders VALUES (1, 'SO1');
SELECT chatter.enable('share_orders', track => false);
GRANT SELECT ON public.share_orders TO chatter_app;
INSERT INTO chatter.subtypes (identifier, name, internal) VALUES ('share_rule_public', 'Public news', false);

SELECT chatter.create_message('the answer', model => 'share_orders', document => 1) AS public_msg \gset
SELECT chatter.create_message('our margin', model => 'share_orders', document => 1, message_type => 'Note') AS note_msg \gset
SELECT chatter.create_message('pricing', model => 'share_orders', document => 1, subtype => 'note') AS internal_msg \gset
SELECT chatter.create_message('news', model => 'share_orders', document => 1, subtype => 'share_rule_public') AS news_msg \gset

SELECT has_function('chatter', '_shown_to_share', ARRAY['chatter.message_type', 'bigint'], 'the share rule is a function');
SELECT isnt_definer('chatter', '_shown_to_share', ARRAY['chatter.message_type', 'bigint'], 'with the caller''s rights');
SELECT function_privs_are('chatter', '_shown_to_share', ARRAY['chatter.message_type', 'bigint'], 'chatter_app',
    ARRAY['EXECUTE'], 'chatter_app may call it');
SELECT function_privs_are('chatter', '_shown_to_share', ARRAY['chatter.message_type', 'bigint'], 'public',
    ARRAY[]::text[], 'PUBLIC may not');
SELECT matches((SELECT qual FROM pg_policies WHERE schemaname = 'chatter' AND tablename = 'messages'
                  AND policyname = 'messages_record_read'),
    'chatter\._shown_to_share\(message_type, subtype_id\)', 'the messages policy applies it (one rule)');

SET LOCAL ROLE chatter_app;
SELECT ok(chatter._shown_to_share('Message', NULL), 'a message of no subtype is shown to a share user');
SELECT ok(chatter._shown_to_share('Message', (SELECT id FROM chatter.subtypes WHERE identifier = 'share_rule_public')),
    'one of a public subtype too');
SELECT ok(NOT chatter._shown_to_share('Note', NULL), 'a Note is not');
SELECT ok(NOT chatter._shown_to_share('Message', (SELECT id FROM chatter.subtypes WHERE identifier = 'note')),
    'nor a message of an internal subtype');

SET LOCAL chatter.user_id = '994';
SELECT is(ARRAY(SELECT id FROM chatter.messages WHERE id IN (:public_msg, :note_msg, :internal_msg, :news_msg) ORDER BY id),
    ARRAY[:public_msg, :news_msg]::bigint[], 'the share user reads the public messages of the record');
SELECT is((SELECT count(*) FROM chatter.messages WHERE id = :note_msg), 0::bigint, 'refused: not the Note');
SELECT is((SELECT count(*) FROM chatter.messages WHERE id = :internal_msg), 0::bigint,
    'refused: nor the message of an internal subtype');

SET LOCAL chatter.user_id = '993';
SELECT is((SELECT count(*) FROM chatter.messages WHERE id IN (:public_msg, :note_msg, :internal_msg, :news_msg)),
    4::bigint, 'an internal user reads all four');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
