-- Deploy pgchatter:track_generate to pg
-- requires: track_generate@v0.11.0

BEGIN;

-- As in v0.11.0, with less executor set-up in every tracked statement (issue 23; instructions counted in
-- docs/benchmarks.md, "Tracking", branch trackone):
-- - the bridges' wake-up sends its notification with the statement NOTIFY chatter_bridge instead of
--   PERFORM pg_notify('chatter_bridge', ''): the same notification (channel, empty payload) under the
--   same rule (chatter._wake_bridges_sql, adapted here), without the executor of a SELECT started for it;
-- - the check of chatter.create_nolog is made for INSERTs only: an UPDATE's guard no longer sets up its
--   four function calls;
-- - an UPDATE of one row is told apart by NOT EXISTS (SELECT FROM new_rows OFFSET 1), which stops at the
--   second row, instead of a count(*) of new_rows (an aggregate's executor), and an INSERT of up to 64
--   rows by NOT EXISTS (SELECT FROM new_rows OFFSET 64); only UPDATEs of 2 rows or more and INSERTs of
--   over 64 count their rows;
-- - a single-row UPDATE of the default storage no longer empties _chatter_json, which starts NULL.
-- And a fix: on a table without tracked columns, a statement of several rows whose key changes were
-- logged woke no one (its count of messages written, NULL before the rekey query, stayed NULL).
-- Tried and not kept: the row count and the first (old, new) pair of an UPDATE read in one statement
-- instead of two (a count, then the join): each form counted more instructions than the two statements.

-- As in v0.10.0, with the subtype written as a constant (issue 23). Every statement of a generated
-- function looked its subtype up by identifier and locked it FOR KEY SHARE, in a subquery of each INSERT,
-- so that a concurrent DELETE of the subtype waited for it (the foreign key's work, messages_subtype_guard).
-- The built-in subtype tracking can no longer be deleted or change its id (subtypes_protect), so its id is
-- looked up once, here, and written into the generated code: the subquery's executor setup, its index scan
-- and its row lock (a multixact when two transactions hold it) are gone from every tracked statement.
-- The code is generated again whenever it could go stale: chatter.enable, every ALTER TABLE of a tracked
-- table, chatter.track_storage, and this deploy (and the revert, to v0.10.0's subquery) for every tracked
-- table. Only if the row is missing (its protection switched off by an owner and the row deleted) does
-- the generated code fall back to v0.10.0's subquery, so that it writes the subtype if one comes back.

-- As in v0.9.0, with a choice of storage for the tracking values (issue 23, SPEC §4), per table
-- (chatter.models.tracking_storage, set by chatter.track_storage): 'jsonb' (the default) writes the
-- tracking column as before, a JSON text concatenated per entry and parsed once per message; 'typed'
-- writes chatter.messages.tracking_values instead, one chatter.tracking_value per tracked column (NULL:
-- unchanged), built by one ARRAY[...] (bulk) or by element assignments (row loop, single row): about a
-- quarter fewer instructions per bulk row (docs/benchmarks.md "Tracking"), but the tracking column is
-- then NULL and raw readers must read through chatter.tracking_json. The three paths store the same
-- thing. Key changes (rare) keep their jsonb in both.

-- As in v0.8.0, with fewer steps for the usual case, an UPDATE of one row (issue 23). A tracked single-row
-- UPDATE evaluated about 36 PL/pgSQL expressions, each prepared again in every transaction (its executor
-- state and the EXECUTE right of every function in it), opened a cursor for its row loop and moved its one
-- message through three arrays. Now one row is read by SELECT INTO, diffed by the same IFs, and written by
-- an INSERT that wraps the body and the JSON itself; the guards are one IF, the variables need no
-- initial values, and the bridges are woken right after that INSERT: about 21 expressions. Statements of
-- 2 to 64 rows keep the row loop, larger ones the bulk queries.

-- No SET chatter.wakes_bridges = on any more: no statement trigger on chatter.messages wakes the bridges
-- (limits: the wake-up is in chatter._message_limits, which Tracking messages skip), so nothing needs to
-- be kept quiet, and a GUC set and restored per call is saved.

-- (v0.8.0:) As in v0.7.0, with a flat fixed cost per statement (issue 23): a tracked single-row UPDATE called
-- chatter.current_contact_id (which calls chatter._user_id_setting), chatter._wake_bridges and chatter._wake,
-- each a PL/pgSQL function with a SET clause: every such call saves and restores the GUCs, and its
-- search_path change makes the next query look up its schemas again. Now the generated function runs the
-- bridges' wake-up inline (the code of chatter._wake_bridges_sql, the one rule) and looks up the acting
-- user's contact itself; only errors (a malformed or inactive user) go through chatter.current_contact_id,
-- which raises them.

-- (v0.7.0:) the generated function wakes the bridges itself, once per statement that wrote messages, and runs with
-- chatter.wakes_bridges = on so that its INSERTs fire no wake-up trigger on chatter.messages; the planner
-- settings of the bulk queries (jit, merge joins, work_mem) are set around those queries only, not by SET
-- clauses that every single-row call paid for.

-- (Re)generates tbl's tracking function from its current columns and installs the two statement triggers.
-- Rows are compared through transition tables, one INSERT ... SELECT per statement; the queries run with
-- EXECUTE so each is planned for the rows at hand (a cached plan keeps the first call's row estimate:
-- a 20,000-row statement after one-row statements ran 55 s instead of 0.2 s), and jit is off because
-- transition tables have no statistics and JIT would compile on every bulk call; merge joins are off
-- because, without statistics, the planner sorts both transition tables where a hash join is a third
-- cheaper. The generated function is SECURITY DEFINER so that application roles, which may not write
-- chatter.messages, are tracked too; being a trigger function, it cannot be called directly. Bulk
-- statements lock the referenced author and subtype once instead of checking both foreign keys per row
-- (chatter._track_bulk_begin).
CREATE OR REPLACE FUNCTION chatter._track_install(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
SET client_min_messages = warning
AS $$
DECLARE
    m chatter.models;
    fn text := 'track_' || tbl::oid;
    key_label text;
    raw_cols text[] := '{}';      -- level 1 (and the row loop's row): old and new values, whether they differ
    changed text[] := '{}';
    displays text[] := '{}';      -- level 2: display texts, computed once (a FK display is a lookup)
    items text[] := '{}';         -- level 3: the HTML list items and the JSON entries
    value_items text[] := '{}';   -- the entries, typed (chatter.tracking_value, one slot per column) or JSON
    row_checks text[] := '{}';    -- the row loop of small statements: one IF per column
    item_tpl text;                -- a changed value's list item and its entry (templates)
    value_tpl text;
    typed boolean;                -- chatter.models.tracking_storage = 'typed' (chatter.track_storage)
    store text[];                 -- the storage's code fragments (below)
    i integer := 0;
    plain boolean;                -- rendered without HTML or JSON specials
    c record;
    -- The id of the built-in subtype tracking, a constant (subtypes_protect: it is neither deleted nor
    -- re-keyed). Without the row, v0.10.0's subquery: it finds the subtype if it comes back, and its FOR KEY
    -- SHARE (the foreign key's lock) makes a DELETE of it wait for the writer.
    subtype text := (SELECT s.id::text FROM chatter.subtypes AS s WHERE s.identifier = 'tracking');
    no_values text;               -- an array of as many NULL slots as tracked columns
    insert_sql text;
    update_sql text;
    loop_sql text;
    one_sql text := '';
    rekey_sql text;
    -- The bridges' wake-up, chatter._wake_bridges_sql() (the one rule), with its NOTIFY written as the
    -- statement NOTIFY chatter_bridge: the same notification, without a query's executor started for a
    -- PERFORM (about 7,400 instructions of a single-row UPDATE's 527,000). Should the template's text
    -- change, it is pasted as it is.
    wake_sql text := replace(chatter._wake_bridges_sql(),
                             'PERFORM pg_catalog.pg_notify(''chatter_bridge'', '''');', 'NOTIFY chatter_bridge;');
BEGIN
    subtype := coalesce(subtype,
                        '(SELECT s.id FROM chatter.subtypes AS s WHERE s.identifier = ''tracking'' FOR KEY SHARE)');
    SELECT * INTO m FROM chatter.models AS r WHERE r."table" = tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not enabled', tbl USING ERRCODE = 'CH003';
    END IF;
    SELECT tc.label INTO key_label FROM chatter._tracked_columns(tbl) AS tc WHERE tc."column" = m.key_column;
    typed := m.tracking_storage = 'typed';

    FOR c IN SELECT * FROM chatter._tracked_columns(tbl) AS tc WHERE tc.tracked LOOP
        i := i + 1;
        IF c.ref_table IS NOT NULL THEN
            PERFORM chatter._grant_to_owner(c.ref_table, 'SELECT');   -- the generated code reads its labels
        END IF;
        -- json has no equality operator: its values compare as jsonb (whitespace and key order are no change).
        raw_cols := raw_cols || format('o.%1$I AS o%2$s, n.%1$I AS n%2$s, o.%1$I%3$s IS DISTINCT FROM n.%1$I%3$s AS ch%2$s',
                                       c."column", i, CASE WHEN c.type = 'json'::regtype THEN '::jsonb' ELSE '' END);
        changed := changed || format('d.ch%s', i);
        displays := displays || format(
            'd.o%1$s, d.n%1$s, d.ch%1$s, CASE WHEN d.ch%1$s THEN %2$s END AS od%1$s, '
            'CASE WHEN d.ch%1$s THEN %3$s END AS nd%1$s',
            i, chatter._track_display_sql('d', 'o' || i, c.type, c.ref_table, c.ref_key, c.ref_display),
            chatter._track_display_sql('d', 'n' || i, c.type, c.ref_table, c.ref_key, c.ref_display));
        -- Numbers, dates and booleans render without HTML specials: only text-like values are escaped.
        plain := c.ref_table IS NULL AND c.type IN ('smallint', 'integer', 'bigint', 'numeric', 'real',
                'double precision', 'boolean', 'date', 'timestamp without time zone', 'timestamp with time zone',
                'time without time zone', 'time with time zone');
        -- The list item and the typed entry are templates over the names of the old and new values and
        -- their displays (%1$s %2$s %3$s %4$s), filled in for the bulk query and for the row loop alike.
        -- Display texts of plain scalars need no escaping. Literals have their % doubled for format().
        item_tpl := replace(quote_literal('<li>' || chatter._html_escape(c.label) || ': '), '%', '%%') || ' || '
            || CASE WHEN plain THEN 'coalesce(%3$s, ''None'') || '' → '' || coalesce(%4$s, ''None'')'
                    ELSE chatter._html_escape_sql('coalesce(%3$s, ''None'')') || ' || '' → '' || '
                         || chatter._html_escape_sql('coalesce(%4$s, ''None'')') END
            || ' || ''</li>''';
        IF typed THEN
            -- The typed entry: the column, its label, the values as to_json gives them (what the JSON
            -- holds), and the display texts. Literals have their % doubled for format().
            value_tpl := 'ROW(' || replace(quote_literal(c."column"::text), '%', '%%') || ', '
                || replace(quote_literal(c.label), '%', '%%')
                || ', to_json(%1$s), to_json(%2$s), %3$s, %4$s)::chatter.tracking_value';
        ELSE
            -- The JSON entry is concatenated text, parsed once per message: json_build_object per entry
            -- plus a cast per row cost more than the rest of the trigger. Integers and display texts of
            -- plain scalars need no escaping, so they are quoted as they are.
            value_tpl := replace(quote_literal('{"field":' || to_json(c."column"::text)::text || ',"label":'
                                               || to_json(c.label)::text || ',"old_value":'), '%', '%%')
                || CASE WHEN c.ref_table IS NULL AND c.type IN ('smallint', 'integer', 'bigint')
                        THEN ' || coalesce(%3$s, ''null'') || '',"new_value":'' || coalesce(%4$s, ''null'')'
                        ELSE ' || coalesce(to_json(%1$s)::text, ''null'') || '',"new_value":'' '
                             '|| coalesce(to_json(%2$s)::text, ''null'')' END
                || CASE WHEN plain
                        THEN ' || '',"old_display":'' || coalesce(''"'' || %3$s || ''"'', ''null'') '
                             '|| '',"new_display":'' || coalesce(''"'' || %4$s || ''"'', ''null'')'
                        ELSE ' || '',"old_display":'' || coalesce(to_json(%3$s)::text, ''null'') '
                             '|| '',"new_display":'' || coalesce(to_json(%4$s)::text, ''null'')' END
                || ' || ''}''';
        END IF;
        items := items || format('CASE WHEN e.ch%s THEN %s END', i,
                                 format(item_tpl, 'e.o' || i, 'e.n' || i, 'e.od' || i, 'e.nd' || i));
        value_items := value_items || format('CASE WHEN e.ch%s THEN %s END', i,
                                             format(value_tpl, 'e.o' || i, 'e.n' || i, 'e.od' || i, 'e.nd' || i));
        row_checks := row_checks || format(
            'IF _chatter_r.ch%1$s THEN _chatter_od := %2$s; _chatter_nd := %3$s; '
            '_chatter_items := coalesce(_chatter_items, '''') || %4$s; %5$s END IF;',
            i, chatter._track_display_sql('_chatter_r', 'o' || i, c.type, c.ref_table, c.ref_key, c.ref_display),
            chatter._track_display_sql('_chatter_r', 'n' || i, c.type, c.ref_table, c.ref_key, c.ref_display),
            format(item_tpl, '_chatter_r.o' || i, '_chatter_r.n' || i, '_chatter_od', '_chatter_nd'),
            format(CASE WHEN typed THEN '_chatter_values[%2$s] := %1$s;'
                        ELSE '_chatter_json := concat_ws('','', _chatter_json, %1$s);' END,
                   format(value_tpl, '_chatter_r.o' || i, '_chatter_r.n' || i, '_chatter_od', '_chatter_nd'), i));
    END LOOP;
    no_values := quote_literal('{' || repeat('NULL,', i - 1) || 'NULL}') || '::chatter.tracking_value[]';
    -- The two storages' code: [1] the column written, [2] a message's entries (%s: the bulk query's list),
    -- [3] the row loop's start, [4] a row's start, [5] a row's entries kept, [6] the one row's value in
    -- the INSERT, [7] the value per row of the loop's INSERT (u.k: the row's number), [8] the loop's
    -- one message's value.
    store := CASE WHEN typed THEN ARRAY[
                 'tracking_values', 'ARRAY[%s]', '_chatter_all_values := ''{}''; ',
                 '_chatter_values := ' || no_values || '; ',
                 '_chatter_all_values := _chatter_all_values || _chatter_values; ',
                 '_chatter_values',
                 format('_chatter_all_values[(u.k - 1) * %1$s + 1 : u.k * %1$s]', i),
                 '_chatter_all_values']
             ELSE ARRAY[
                 'tracking', '(''['' || concat_ws('','', %s) || '']'')::jsonb', '_chatter_jsons := ''{}''; ',
                 '_chatter_json := NULL; ',
                 '_chatter_jsons := _chatter_jsons || (''['' || _chatter_json || '']''); ',
                 '(''['' || _chatter_json || '']'')::jsonb',
                 '_chatter_jsons[u.k]::jsonb', '_chatter_jsons[1]::jsonb'] END;

    -- {author} becomes $1 in the EXECUTEd copy and a variable in the static copy.
    insert_sql := format(
        'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id) '
        'SELECT ''Tracking'', %s, %L, n.%I, ''Record Created'', {author} FROM new_rows AS n',
        subtype, m.model, m.key_column);

    IF i > 0 THEN
        -- Three levels: raw values joined by key; displays once per changed value (OFFSET 0 keeps the
        -- planner from copying a FK lookup into every use); then the HTML body and the typed values.
        update_sql := format(
            'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id, %9$s) '
            'SELECT ''Tracking'', %1$s, %2$L, e.doc, ''<ul>'' || concat(%3$s) || ''</ul>'', {author}, '
            '%4$s '
            'FROM (SELECT d.doc, %5$s FROM (SELECT n.%6$I AS doc, %7$s FROM old_rows AS o '
            'JOIN new_rows AS n ON n.%6$I = o.%6$I) AS d WHERE %8$s OFFSET 0) AS e',
            subtype, m.model, array_to_string(items, ', '), format(store[2], array_to_string(value_items, ', ')),
            array_to_string(displays, ', '), m.key_column, array_to_string(raw_cols, ', '),
            array_to_string(changed, ' OR '), store[1]);
        -- Small statements loop over the rows in PL/pgSQL instead: the bulk query's wide expressions cost
        -- more to set up for each statement than a few rows cost to diff one IF at a time (a single-row
        -- UPDATE spends a fifth less), and only the changed columns' expressions are ever evaluated. The
        -- messages are collected and written by one INSERT: an INSERT statement into chatter.messages costs
        -- tens of µs to start (indexes, constraint, generated column, triggers) whatever its row count, and
        -- one per row made small statements pay it per row (issue 23). One message, the usual case, is a
        -- VALUES row (cheaper to start than a scan of unnest).
        loop_sql := format(
            '_chatter_docs := ''{}''; _chatter_bodies := ''{}''; %6$s'
            'FOR _chatter_r IN SELECT n.%1$I AS doc, %2$s FROM old_rows AS o JOIN new_rows AS n ON n.%1$I = o.%1$I LOOP '
            '_chatter_items := NULL; %7$s%3$s '
            'IF _chatter_items IS NOT NULL THEN '
            '_chatter_docs := _chatter_docs || _chatter_r.doc; '
            '_chatter_bodies := _chatter_bodies || (''<ul>'' || _chatter_items || ''</ul>''); '
            '%8$sEND IF; END LOOP; '
            '_chatter_written := cardinality(_chatter_docs); '
            'IF _chatter_written = 1 THEN '
            'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id, %9$s) '
            'VALUES (''Tracking'', %4$s, %5$L, _chatter_docs[1], _chatter_bodies[1], _chatter_author, %10$s); '
            'ELSIF _chatter_written > 1 THEN '
            'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id, %9$s) '
            'SELECT ''Tracking'', %4$s, %5$L, u.doc, u.body, _chatter_author, %11$s '
            'FROM unnest(_chatter_docs, _chatter_bodies) WITH ORDINALITY AS u(doc, body, k); '
            'END IF;',
            m.key_column, array_to_string(raw_cols, ', '), array_to_string(row_checks, ' '), subtype, m.model,
            store[3], store[4], store[5], store[1], store[8], store[7]);
        -- One row (the usual UPDATE): read by SELECT INTO (no cursor), diffed by the same IFs, its message
        -- written with the body wrapped in the INSERT. No row joined: its key changed (rekey).
        -- Typed storage starts its array of NULL slots (store[4]); the JSON text starts NULL as declared.
        one_sql := format(
            'SELECT n.%1$I AS doc, %2$s INTO _chatter_r FROM old_rows AS o JOIN new_rows AS n ON n.%1$I = o.%1$I; '
            'IF FOUND THEN %6$s%3$s '
            'IF _chatter_items IS NOT NULL THEN '
            'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id, %7$s) '
            'VALUES (''Tracking'', %4$s, %5$L, _chatter_r.doc, ''<ul>'' || _chatter_items || ''</ul>'', _chatter_author, '
            '%8$s); '
            'GET DIAGNOSTICS _chatter_written = ROW_COUNT; END IF; ELSE {rekey} END IF;',
            m.key_column, array_to_string(raw_cols, ', '), array_to_string(row_checks, ' '), subtype, m.model,
            CASE WHEN typed THEN store[4] END, store[1], store[6]);
    END IF;

    -- A row whose key changed cannot be joined to its old row. When one key changed in the statement the
    -- pair is certain and the message says "ID: 5 → 7"; with several, the old key is unknown. The pairing
    -- (an InitPlan) runs only when some key did change.
    rekey_sql := format(
        'WITH moved AS (SELECT n.%1$I AS doc FROM new_rows AS n '
        '               WHERE NOT EXISTS (SELECT FROM old_rows AS o WHERE o.%1$I = n.%1$I)), '
        '     pair AS (SELECT CASE WHEN count(*) = 1 THEN min(o.%1$I) END AS old_doc FROM old_rows AS o '
        '               WHERE NOT EXISTS (SELECT FROM new_rows AS n WHERE n.%1$I = o.%1$I)) '
        'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id, tracking) '
        'SELECT ''Tracking'', %2$s, %3$L, p.doc, '
        '       %4$L || coalesce(p.old_doc::text, ''unknown'') || '' → '' || p.doc || ''</li></ul>'', {author}, '
        '       jsonb_build_array(jsonb_build_object(''field'', %5$L, ''label'', %6$L, '
        '           ''old_value'', to_jsonb(p.old_doc), ''new_value'', to_jsonb(p.doc), '
        '           ''old_display'', p.old_doc::text, ''new_display'', p.doc::text)) '
        '  FROM (SELECT moved.doc, (SELECT pair.old_doc FROM pair) AS old_doc FROM moved OFFSET 0) AS p',
        m.key_column, subtype, m.model, '<ul><li>' || chatter._html_escape(key_label) || ': ',
        m.key_column, key_label);

    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION chatter.%1$I() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $body$
DECLARE
    _chatter_author bigint;
    _chatter_user text := current_setting('chatter.user_id', true);
    _chatter_rows bigint;
    _chatter_written bigint;
    _chatter_moved bigint;
    _chatter_role text;
    _chatter_r record;
    _chatter_od text;
    _chatter_nd text;
    _chatter_items text;
    _chatter_json text;
    _chatter_values chatter.tracking_value[];
    _chatter_settings text[];
    _chatter_docs bigint[];
    _chatter_bodies text[];
    _chatter_jsons text[];
    _chatter_all_values chatter.tracking_value[];
BEGIN
    -- Writes made by another trigger (compute cascades), sessions that switched tracking off, and
    -- INSERTs of sessions that switched Record Created off.
    IF pg_trigger_depth() > 1 OR lower(current_setting('chatter.tracking', true)) = 'off' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF lower(current_setting('chatter.create_nolog', true)) = 'on' THEN
            RETURN NULL;
        END IF;
    END IF;
    -- The author: the acting user's contact, as chatter.current_contact_id() says, without its nested
    -- calls: no user set is the system (NULL); a well-formed id of an active user, its contact; anything
    -- else goes to chatter.current_contact_id(), which raises the error (CH005 malformed, CH004 unknown or
    -- inactive).
    IF _chatter_user IS NULL OR _chatter_user = '' THEN
        NULL;   -- _chatter_author stays NULL
    ELSIF _chatter_user ~ '^[[:space:]]*[0-9]{1,18}[[:space:]]*$' THEN
        SELECT u.contact_id INTO _chatter_author FROM chatter.users AS u
         WHERE u.id = _chatter_user::bigint AND u.active;
        IF NOT FOUND THEN
            _chatter_author := chatter.current_contact_id();
        END IF;
    ELSE
        _chatter_author := chatter.current_contact_id();
    END IF;
    -- An UPDATE of one row, the usual case (or of none), and an INSERT of up to 64 rows are found without
    -- counting the rows (a count is an aggregate's executor, set up in every call; each EXISTS stops at
    -- the row it asks for). The one row is read by SELECT INTO and diffed; no row joined means that its
    -- key changed (the rekey query; it writes nothing when the statement matched no row). A row that
    -- changed its key is the only kind neither logged by the diff nor unchanged: in larger statements the
    -- rekey query runs only when fewer rows were logged than updated.
    IF TG_OP = 'UPDATE' AND NOT EXISTS (SELECT FROM new_rows OFFSET 1) THEN
        %8$s
    ELSIF TG_OP = 'INSERT' AND NOT EXISTS (SELECT FROM new_rows OFFSET 64) THEN
        -- An INSERT of up to 64 rows: Record Created, by a plan cached for small row counts.
        %2$s;
        GET DIAGNOSTICS _chatter_written = ROW_COUNT;
    ELSE
        SELECT count(*) INTO _chatter_rows FROM new_rows;
        IF _chatter_rows <= 64 THEN
            -- An UPDATE of 2 to 64 rows: plans cached for small row counts, and a row loop.
            %3$s
            IF coalesce(_chatter_written, 0) < _chatter_rows THEN
                %4$s;
                GET DIAGNOSTICS _chatter_moved = ROW_COUNT;
                _chatter_written := coalesce(_chatter_written, 0) + _chatter_moved;
            END IF;
        ELSE
            -- Larger ones are planned for their size (EXECUTE): a cached plan keeps the transition tables'
            -- row count of its first call.
            -- Planner settings for these queries only (restored below): no JIT (transition tables have no
            -- statistics, it would compile on every call), no merge join (it sorts both transition tables
            -- where a hash join is a third cheaper), and a work_mem that keeps the join in memory.
            _chatter_settings := ARRAY[current_setting('jit'), current_setting('enable_mergejoin'),
                                       current_setting('work_mem')];
            PERFORM set_config('jit', 'off', true), set_config('enable_mergejoin', 'off', true),
                    set_config('work_mem', '64MB', true);
            _chatter_role := chatter._track_bulk_begin(_chatter_author);
            IF TG_OP = 'INSERT' THEN
                EXECUTE %5$L USING _chatter_author;
                GET DIAGNOSTICS _chatter_written = ROW_COUNT;
            ELSE
                %6$s
                IF coalesce(_chatter_written, 0) < _chatter_rows THEN
                    EXECUTE %7$L USING _chatter_author;
                    GET DIAGNOSTICS _chatter_moved = ROW_COUNT;
                    _chatter_written := coalesce(_chatter_written, 0) + _chatter_moved;
                END IF;
            END IF;
            IF _chatter_role IS NOT NULL THEN
                PERFORM pg_catalog.set_config('session_replication_role', _chatter_role, true);
            END IF;
            PERFORM set_config('jit', _chatter_settings[1], true), set_config('enable_mergejoin', _chatter_settings[2], true),
                    set_config('work_mem', _chatter_settings[3], true);
        END IF;
    END IF;
    -- One wake-up of the bridges per statement that wrote messages (they tell a record's viewers that it
    -- changed); Tracking messages skip the trigger that wakes them for other messages (messages_limits).
    -- The code of chatter._wake_bridges_sql(), run here flat, its NOTIFY a statement (wake_sql).
    IF _chatter_written > 0 THEN
        %9$s
    END IF;
    RETURN NULL;
END
$body$
$fn$, fn,
        replace(insert_sql, '{author}', '_chatter_author'),
        coalesce(loop_sql, ''),
        replace(rekey_sql, '{author}', '_chatter_author'),
        replace(insert_sql, '{author}', '$1'),
        CASE WHEN update_sql IS NULL THEN ''
             ELSE format('EXECUTE %L USING _chatter_author; GET DIAGNOSTICS _chatter_written = ROW_COUNT;',
                         replace(update_sql, '{author}', '$1')) END,
        replace(rekey_sql, '{author}', '$1'),
        CASE WHEN one_sql = ''
             THEN replace(rekey_sql, '{author}', '_chatter_author') || '; GET DIAGNOSTICS _chatter_written = ROW_COUNT;'
             ELSE replace(one_sql, '{rekey}', replace(rekey_sql, '{author}', '_chatter_author')
                                              || '; GET DIAGNOSTICS _chatter_written = ROW_COUNT;') END,
        wake_sql);
    EXECUTE format('COMMENT ON FUNCTION chatter.%I() IS %L', fn,
                   'Generated by chatter._track_install for ' || tbl::text || '; regenerated on ALTER TABLE');
    EXECUTE format('REVOKE EXECUTE ON FUNCTION chatter.%I() FROM PUBLIC', fn);
    -- A SECURITY DEFINER function is owned by chatter_owner, never by the superuser who ran enable().
    IF (SELECT p.proowner FROM pg_catalog.pg_proc AS p WHERE p.oid = format('chatter.%I()', fn)::regprocedure)
       <> (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = 'chatter_owner') THEN
        EXECUTE format('ALTER FUNCTION chatter.%I() OWNER TO chatter_owner', fn);
    END IF;

    -- Transition tables allow one event per trigger, and no column list. A regenerated function keeps its
    -- triggers (CREATE OR REPLACE keeps its oid), so they are created once: dropping a trigger takes the
    -- table's owner, which the DDL event trigger, running as chatter_owner, is not.
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger AS t WHERE t.tgrelid = tbl AND t.tgname = 'chatter_track_insert') THEN
        EXECUTE format('CREATE TRIGGER chatter_track_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION chatter.%I()', tbl, fn);
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger AS t WHERE t.tgrelid = tbl AND t.tgname = 'chatter_track_update') THEN
        EXECUTE format('CREATE TRIGGER chatter_track_update AFTER UPDATE ON %s '
                       'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION chatter.%I()', tbl, fn);
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._track_install(regclass) IS
    'Generates the set-based tracking function of a table and installs its statement triggers';


-- Tables tracked before this change get the new generated function.
SELECT chatter._track_install(m."table") FROM chatter.models AS m WHERE m.track;

COMMIT;
