-- Bridge bearer tokens: stored hashed, resolved to their user, revocable, expiring; not for chatter_app.
BEGIN;
SELECT plan(13);

INSERT INTO chatter.contacts (id, name) VALUES (9801, 'Tina Token'), (9802, 'Gone User');
INSERT INTO chatter.users (id, contact_id, username) VALUES (881, 9801, 'tina'), (882, 9802, 'gone');

SELECT chatter.token_create('tina', 'laptop') AS tok \gset
SELECT chatter.token_create('881') AS tok2 \gset
SELECT chatter.token_create('gone') AS gone_tok \gset
SELECT chatter.token_create('tina', 'old', now() - interval '1 second') AS expired_tok \gset

SELECT matches(:'tok'::text, '^pgc_[0-9a-f]{64}$', 'a token is pgc_ and 64 hex digits');
SELECT is((SELECT count(*) FROM chatter.api_tokens WHERE user_id = 881), 3::bigint, 'tokens are stored per user');
SELECT is((SELECT count(*) FROM chatter.api_tokens WHERE token_hash = sha256(convert_to(:'tok', 'UTF8'))), 1::bigint,
    'only the SHA-256 of the token is stored');
SELECT is_empty(format($$SELECT FROM chatter.api_tokens WHERE encode(token_hash, 'escape') LIKE '%%%s%%'$$,
                       substr(:'tok', 5, 20)), 'the token text itself is nowhere in the table');
SELECT is(chatter.token_user(:'tok'), 881::bigint, 'a token resolves to its user');
SELECT is(chatter.token_user(:'tok2'), 881::bigint, 'a user may be named by id');
SELECT is(chatter.token_user('pgc_bogus'), NULL::bigint, 'an unknown token resolves to nobody');
SELECT is(chatter.token_user(:'expired_tok'), NULL::bigint, 'an expired token resolves to nobody');
UPDATE chatter.users SET active = false WHERE id = 882;
SELECT is(chatter.token_user(:'gone_tok'), NULL::bigint, 'a token of an inactive user resolves to nobody');
SELECT ok(chatter.token_revoke((SELECT id FROM chatter.api_tokens WHERE name = 'laptop')), 'revoking an active token');
SELECT is(chatter.token_user(:'tok'), NULL::bigint, 'a revoked token resolves to nobody');
SELECT throws_ok($$SELECT chatter.token_create('nobody_here')$$, 'CH003', NULL, 'tokens only for existing users');
SELECT function_privs_are('chatter', 'token_user', ARRAY['text'], 'chatter_app', ARRAY[]::text[],
    'chatter_app cannot resolve tokens');

SELECT * FROM finish();
ROLLBACK;
