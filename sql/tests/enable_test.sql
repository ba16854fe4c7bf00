-- chatter.enable / chatter.disable and the chatter.models registry.
BEGIN;
SELECT plan(25);

SELECT has_function('chatter', 'enable', ARRAY['regclass', 'boolean', 'boolean', 'text[]', 'text', 'text'],
    'enable(tbl, collaborate, track, contact_columns, model, label)');
SELECT has_function('chatter', 'disable', ARRAY['regclass'], 'disable(tbl)');
SELECT function_privs_are('chatter', 'enable', ARRAY['regclass', 'boolean', 'boolean', 'text[]', 'text', 'text'],
    'chatter_app', ARRAY[]::text[], 'application users cannot opt tables in');

CREATE SCHEMA sales;
CREATE TABLE public.leads (id serial PRIMARY KEY, name text, contact_id bigint REFERENCES chatter.contacts,
                           email_from varchar(200), owner_id bigint, score numeric);
CREATE TABLE sales.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, reference text);
CREATE TABLE public.no_key (id int);
CREATE TABLE public.pair_key (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE public.text_key (code text PRIMARY KEY);
CREATE VIEW public.a_view AS SELECT 1 AS id;

SELECT lives_ok($$SELECT chatter.enable('leads', contact_columns => '{contact_id,email_from}')$$,
    'enable with a contact FK and an email column');
SELECT is(
    (SELECT format('%s|%s|%s|%s|%s|%s', model, "table", key_column, collaborate, track, contact_columns)
       FROM chatter.models),
    'leads|leads|id|t|t|{contact_id,email_from}',
    'registered under the table name, with its key');
SELECT lives_ok($$SELECT chatter.enable('leads', collaborate => false, track => true,
                                        contact_columns => '{contact_id}')$$,
    'enable again');
SELECT is(
    (SELECT format('%s|%s|%s|%s', count(*), bool_and(NOT collaborate), bool_and(track), min(contact_columns::text))
       FROM chatter.models WHERE "table" = 'leads'::regclass),
    '1|t|t|{contact_id}',
    'enabling again updates the settings, still one registration; the flags are independent');
SELECT lives_ok($$SELECT chatter.enable('sales.orders', track => false)$$, 'enable a table outside public');
SELECT is((SELECT model FROM chatter.models WHERE "table" = 'sales.orders'::regclass), 'sales.orders',
    'a model outside public is schema-qualified');

SELECT throws_ok($$SELECT chatter.enable('no_key')$$, 'CH005', NULL, 'a table without a primary key is refused');
SELECT throws_ok($$SELECT chatter.enable('pair_key')$$, 'CH005', NULL, 'a composite primary key is refused');
SELECT throws_ok($$SELECT chatter.enable('text_key')$$, 'CH005', NULL, 'a non-integer primary key is refused');
SELECT throws_ok($$SELECT chatter.enable('a_view')$$, 'CH005', NULL, 'a view is refused');
SELECT throws_ok($$SELECT chatter.enable('chatter.contacts')$$, 'CH005', NULL, 'chatter''s own tables are refused');
SELECT throws_ok($$SELECT chatter.enable('leads', contact_columns => '{nope}')$$, 'CH005', NULL,
    'an unknown contact column is refused');
SELECT throws_ok($$SELECT chatter.enable('leads', contact_columns => '{owner_id}')$$, 'CH005', NULL,
    'an integer contact column without a FK to contacts is refused');
SELECT throws_ok($$SELECT chatter.enable('leads', contact_columns => '{score}')$$, 'CH005', NULL,
    'a numeric contact column is refused');
SELECT throws_ok($$SELECT chatter.enable('leads', label => 'nope')$$, 'CH005', NULL,
    'an unknown label column is refused');
SELECT throws_ok($$SELECT chatter.enable('leads', model => 'crm.lead')$$, 'CH005', NULL,
    'renaming a registered model is refused (messages point at the name)');
SELECT throws_ok($$SELECT chatter.enable('sales.orders', model => 'leads')$$, 'CH005', NULL,
    'a model name already naming another table is refused');
SELECT throws_ok($$SELECT chatter.enable('public.no_key', model => 'bad name!')$$, 'CH005', NULL,
    'the key is checked before anything else');
SELECT is((SELECT contact_columns FROM chatter.models WHERE model = 'leads'), '{contact_id}'::text[],
    'a refused enable changes nothing');

SELECT lives_ok($$SELECT chatter.disable('leads')$$, 'disable');
SELECT is((SELECT count(*)::int FROM chatter.models WHERE model = 'leads'), 0, 'disable removes the registration');
SELECT lives_ok($$SELECT chatter.disable('leads')$$, 'disable twice is harmless');

SELECT * FROM finish();
ROLLBACK;
