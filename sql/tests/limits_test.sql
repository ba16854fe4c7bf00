-- Bounded work (issue 18): the limits of chatter.limits hold for every writer, as chatter_app under
-- row-level security: body length and HTML nesting, subject length, mentions and explicit recipients per
-- message, attachment size. Tracking is exempt; the owner may change a limit; the sanitized copy of a body
-- is stored by the system only, for the body it was made from; the notification payload reads a prefix.
BEGIN;

INSERT INTO chatter.contacts (id, name, email) VALUES (9701, 'Lim Writer', 'writer@limits.invalid');
INSERT INTO chatter.contacts (id, name, email)
SELECT 9710 + g, 'Lim Reader ' || g, 'reader' || g || '@limits.invalid' FROM generate_series(1, 600) AS g;
INSERT INTO chatter.users (id, contact_id, username) VALUES (771, 9701, 'lim_writer');
INSERT INTO chatter.users (id, contact_id, username)
SELECT 7710 + g, 9710 + g, 'lim_reader' || g FROM generate_series(1, 300) AS g;

CREATE TABLE public.lim_orders (id int PRIMARY KEY, name text, notes text);
INSERT INTO public.lim_orders VALUES (1, 'L00001', 'short');
GRANT SELECT, UPDATE ON public.lim_orders TO chatter_app;
SELECT chatter.enable('lim_orders');
SELECT chatter.track_column('lim_orders', 'notes', true);   -- long text is not tracked by default
SELECT chatter.create_channel('lim-lobby', 'Public', 771) AS lobby \gset
SELECT chatter.schedule_activity('lim_orders', 1, 'activity_todo', 771, 'limits') AS act \gset

SELECT plan(38);

SELECT is((SELECT string_agg(name || '=' || value, ' ' ORDER BY name) FROM chatter.limits),
    'activity_title_chars=200 attachment_bytes=10485760 body_chars=500000 channel_name_chars=255 emoji_chars=32 mentions=200 nesting_depth=100 recipients=500 search_chars=200 subject_chars=1000',
    'the defaults');

-- The depth estimate: as a parser nests, never shallower.
SELECT is(chatter._html_depth('<div><p>a<div>b</div></div>'), 2, 'depth: nested divs, p not counted');
SELECT is(chatter._html_depth('<ul><li>a<li>b<ul><li>c</ul></ul>'), 2, 'depth: li closed by its sibling');
SELECT is(chatter._html_depth('<br><img src=x><hr>text'), 0, 'depth: void elements');
SELECT is(chatter._html_depth(repeat('<div></span>', 50)), 50, 'depth: a stray end tag closes nothing');
SELECT is(chatter._html_depth(repeat('<span><div></span>', 50)), 100,
    'depth: an end tag does not close past a div, as parsers ignore it');
SELECT is(chatter._html_depth(repeat('<b>x</b><i>y</i> ', 5000)), 1, 'depth: long but flat');
SELECT is(chatter._html_depth(repeat('<div>', 100000), 100), 101, 'depth: counting stops past the limit');

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '771';

-- Body length: at the limit accepted, one more refused, whatever the writer.
SELECT lives_ok(format('SELECT chatter.log_message(%L, 1, %L)', 'lim_orders', repeat('a', 500000)),
    'a body of exactly body_chars characters is accepted');
SELECT throws_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1)', repeat('a', 500001), 'lim_orders'),
    'CH005', 'the message body (characters) is 500001: over the limit of 500000 characters in a message body (chatter.limits body_chars)',
    'create_message: a body over body_chars is CH005 naming the limit');
SELECT throws_ok(format('SELECT chatter.log_message(%L, 1, %L)', 'lim_orders', repeat('é', 500001)),
    'CH005', NULL, 'log_message: characters, not bytes, and refused too');
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 771, %L)', :lobby, repeat('a', 500001)),
    'CH005', NULL, 'channel_post: refused too');
SELECT throws_ok(format('SELECT chatter.notify(%L, 1, %L, %L)', 'lim_orders', repeat('a', 500001), '{9711}'),
    'CH005', NULL, 'notify: refused too');
SELECT throws_ok(format('SELECT chatter.activity_done(%s, %L)', :act, repeat('a', 500001)),
    'CH005', NULL, 'activity_done: feedback over the limit refused');
SELECT throws_ok(format('SELECT chatter.create_message(%L, subject => %L, model => %L, document => 1)', 'x', repeat('s', 1001), 'lim_orders'),
    'CH005', NULL, 'a subject over subject_chars is CH005');

-- Nesting: the hostile shapes refused, wide and realistically nested HTML accepted.
SELECT throws_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1)', repeat('<div>', 20000), 'lim_orders'),
    'CH005', NULL, 'twenty thousand open divs are refused');
SELECT throws_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1)', repeat('<div></span>', 101), 'lim_orders'),
    'CH005', NULL, 'divs "closed" by stray end tags are refused too');
SELECT throws_like(format('SELECT chatter.channel_post(%s, 771, %L)', :lobby, repeat('<blockquote>', 150)),
    '%nesting depth%limit of 100%nesting_depth%', 'channel_post: too deep, the message names the limit');
SELECT lives_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1)',
                       repeat('<div>', 100) || 'deep' || repeat('</div>', 100) || repeat('<p><b>x</b> <a href="/y">y</a></p>', 5000),
                       'lim_orders'),
    '100 levels deep and 25,000 tags wide is accepted');

-- Mentions: email addresses are not mentions; 200 mentions accepted, 201 refused.
SELECT lives_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1)',
                       (SELECT string_agg('@lim_reader' || g, ' ') FROM generate_series(1, 200) AS g)
                       || repeat(' mail me at a@b.example', 300), 'lim_orders'),
    '200 mentions and 300 email addresses are accepted');
SELECT throws_like(format('SELECT chatter.create_message(%L, model => %L, document => 1)',
                          repeat('@"Lim Reader 1" ', 201), 'lim_orders'),
    '%@mentions is 201%mentions)', 'the 201st mention is CH005 naming the limit');
SELECT throws_like(format('SELECT chatter.create_message(%L, model => %L, document => 1)',
                          repeat('&#64;[7711] ', 201), 'lim_orders'),
    '%@mentions is 201%', 'an @ written as a reference (&#64;) counts: the text is what is mentioned');
SELECT throws_ok(format('SELECT chatter.channel_post(%s, 771, %L)', :lobby, repeat('@[7711] ', 45000)),
    'CH005', NULL, 'channel_post: 45,000 mentions refused');

-- Explicit recipients.
SELECT lives_ok(format('SELECT chatter.create_message(%L, model => %L, document => 1, contacts => %L)', 'to many',
                       'lim_orders', (SELECT array_agg(9710 + g) FROM generate_series(1, 500) AS g)),
    '500 recipients are accepted');
SELECT throws_like(format('SELECT chatter.create_message(%L, model => %L, document => 1, contacts => %L)', 'to too many',
                          'lim_orders', (SELECT array_agg(9710 + g) FROM generate_series(1, 501) AS g)),
    '%recipients is 501%chatter.limits recipients)', 'create_message: 501 recipients are CH005');
SELECT throws_ok(format('SELECT chatter.notify(%L, 1, %L, %L)', 'lim_orders', 'hi',
                        (SELECT array_agg(9710 + g) FROM generate_series(1, 600) AS g)),
    'CH005', NULL, 'notify: 600 recipients are CH005');

-- Attachments.
SELECT throws_like(format('SELECT chatter.add_attachment(%L, %L::bytea, model => %L, document => 1)', 'big.bin',
                          '\x' || repeat('00', 10485761), 'lim_orders'),
    '%attachment (bytes) is 10485761%attachment_bytes)', 'an attachment over attachment_bytes is CH005');

-- The application may not change a limit; its owner may.
SELECT throws_ok($$UPDATE chatter.limits SET value = 10000000 WHERE name = 'body_chars'$$, '42501', NULL,
    'chatter_app cannot raise a limit');
RESET ROLE;
UPDATE chatter.limits SET value = 10 WHERE name = 'body_chars';
SET LOCAL ROLE chatter_app;
SELECT throws_ok($$SELECT chatter.log_message('lim_orders', 1, 'eleven char')$$, 'CH005', NULL,
    'a lowered limit holds at once');
RESET ROLE;
UPDATE chatter.limits SET value = 500000 WHERE name = 'body_chars';

-- Tracking bodies are rendered by the database, from the application's data: exempt.
UPDATE public.lim_orders SET notes = repeat('<div>', 200000) WHERE id = 1;
SELECT ok(EXISTS (SELECT FROM chatter.messages WHERE model = 'lim_orders' AND message_type = 'Tracking'
                   AND length(body) > 500000), 'a tracked change of any size is logged');

-- The sanitized copy: stored by the system for the body it was made from; a changed body drops it.
SELECT chatter.create_message('<b>hi</b><script>x</script>', model => 'lim_orders', document => 1) AS m \gset
SELECT is(chatter.store_body_html(ARRAY[:m]::bigint[], ARRAY[md5('something else')], '{<b>stale</b>}'), 0,
    'a copy of another body is not stored');
SELECT is(chatter.store_body_html(ARRAY[:m]::bigint[], ARRAY[md5('<b>hi</b><script>x</script>')], '{<b>hi</b>}'), 1,
    'the system stores the copy of the current body');
UPDATE chatter.messages SET body = '<i>changed</i>' WHERE id = :m;
SELECT is((SELECT body_html FROM chatter.messages WHERE id = :m), NULL, 'a changed body drops its copy');

-- Activities: the title, the description and the feedback, for every writer (the function and plain SQL).
SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '771';
SELECT lives_ok(format($$SELECT chatter.schedule_activity('lim_orders', 1, 'activity_todo', 771, %L)$$, repeat('t', 200)),
    'an activity title of 200 characters is accepted');
SELECT throws_like(format($$SELECT chatter.schedule_activity('lim_orders', 1, 'activity_todo', 771, %L)$$, repeat('t', 201)),
    '%activity title (characters) is 201: over the limit of 200%activity_title_chars)',
    'a 201-character activity title is CH005 naming the limit (it was a CHECK''s 23514)');
SELECT throws_ok(format('UPDATE chatter.activities SET description = %L WHERE id = %s', repeat('d', 500001), :act),
    'CH005', NULL, 'a plain UPDATE of a description over body_chars is CH005');
SELECT throws_ok(format('SELECT chatter.activity_done(%s, %L)', :act, repeat('f', 500001)),
    'CH005', NULL, 'feedback over body_chars is CH005');
RESET ROLE;

-- The payload reads a prefix of the body: the same preview, a tag cut at the prefix's end dropped.
SELECT chatter.create_message(repeat('x', 1990) || '<img src="data:image/png;base64,' || repeat('A', 400000) || '">',
                              model => 'lim_orders', document => 1) AS big \gset
SELECT is(chatter.notification_payload(:big)->>'body', repeat('x', 140), 'the payload of a long body: its first 140 characters');

SELECT * FROM finish();
ROLLBACK;
