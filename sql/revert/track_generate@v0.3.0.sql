-- Revert pgchatter:track_generate from pg
-- Restores the v0.2.0 generator and regenerates every tracked table's function with it.

BEGIN;

-- (Re)generates tbl's tracking function from its current columns and installs the two statement triggers.
-- Rows are compared through transition tables, one INSERT ... SELECT per statement; the queries run with
-- EXECUTE so each is planned for the rows at hand (a cached plan keeps the first call's row estimate:
-- a 20,000-row statement after one-row statements ran 55 s instead of 0.2 s), and jit is off because
-- transition tables have no statistics and JIT would compile on every bulk call. The generated function
-- is SECURITY DEFINER so that application roles, which may not write chatter.messages, are tracked too;
-- being a trigger function, it cannot be called directly.
CREATE OR REPLACE FUNCTION chatter._track_install(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
SET client_min_messages = warning
AS $$
DECLARE
    m chatter.models;
    fn text := 'track_' || tbl::oid;
    key_label text;
    raw_cols text[] := '{}';      -- level 1: old and new values and whether they differ
    changed text[] := '{}';
    displays text[] := '{}';      -- level 2: display texts, computed once (a FK display is a lookup)
    items text[] := '{}';         -- level 3: the HTML list items and the JSON entries
    json_items text[] := '{}';
    i integer := 0;
    c record;
    subtype text := '(SELECT s.id FROM chatter.subtypes AS s WHERE s.identifier = ''tracking'')';
    insert_sql text;
    update_sql text;
    rekey_sql text;
BEGIN
    SELECT * INTO m FROM chatter.models AS r WHERE r."table" = tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not enabled', tbl USING ERRCODE = 'CH003';
    END IF;
    SELECT tc.label INTO key_label FROM chatter._tracked_columns(tbl) AS tc WHERE tc."column" = m.key_column;

    FOR c IN SELECT * FROM chatter._tracked_columns(tbl) AS tc WHERE tc.tracked LOOP
        i := i + 1;
        raw_cols := raw_cols || format('o.%1$I AS o%2$s, n.%1$I AS n%2$s, o.%1$I IS DISTINCT FROM n.%1$I AS ch%2$s',
                                       c."column", i);
        changed := changed || format('d.ch%s', i);
        displays := displays || format(
            'd.o%1$s, d.n%1$s, d.ch%1$s, CASE WHEN d.ch%1$s THEN %2$s END AS od%1$s, '
            'CASE WHEN d.ch%1$s THEN %3$s END AS nd%1$s',
            i, chatter._track_display_sql('d', 'o' || i, c.type, c.ref_table, c.ref_key, c.ref_display),
            chatter._track_display_sql('d', 'n' || i, c.type, c.ref_table, c.ref_key, c.ref_display));
        -- Numbers, dates and booleans render without HTML specials: only text-like values are escaped.
        IF c.ref_table IS NULL AND c.type IN ('smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision',
                'boolean', 'date', 'timestamp without time zone', 'timestamp with time zone',
                'time without time zone', 'time with time zone') THEN
            items := items || format(
                'CASE WHEN e.ch%1$s THEN %2$L || coalesce(e.od%1$s, ''None'') || '' → '' || coalesce(e.nd%1$s, ''None'') '
                '|| ''</li>'' END', i, '<li>' || chatter._html_escape(c.label) || ': ');
        ELSE
            items := items || format(
                'CASE WHEN e.ch%1$s THEN %2$L || %3$s || '' → '' || %4$s || ''</li>'' END',
                i, '<li>' || chatter._html_escape(c.label) || ': ',
                chatter._html_escape_sql(format('coalesce(e.od%s, ''None'')', i)),
                chatter._html_escape_sql(format('coalesce(e.nd%s, ''None'')', i)));
        END IF;
        json_items := json_items || format(
            'CASE WHEN e.ch%1$s THEN json_build_object(''field'', %2$L, ''label'', %3$L, ''old_value'', e.o%1$s, '
            '''new_value'', e.n%1$s, ''old_display'', e.od%1$s, ''new_display'', e.nd%1$s)::text END',
            i, c."column", c.label);
    END LOOP;

    -- {author} becomes $1 in the EXECUTEd copy and a variable in the static copy.
    insert_sql := format(
        'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id) '
        'SELECT ''Tracking'', %s, %L, n.%I, ''Record Created'', {author} FROM new_rows AS n',
        subtype, m.model, m.key_column);

    IF i > 0 THEN
        -- Three levels: raw values joined by key; displays once per changed value (OFFSET 0 keeps the
        -- planner from copying a FK lookup into every use); then the HTML body and the JSON array, built
        -- as text and parsed once.
        update_sql := format(
            'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id, tracking) '
            'SELECT ''Tracking'', %1$s, %2$L, e.doc, ''<ul>'' || concat(%3$s) || ''</ul>'', {author}, '
            '(''['' || concat_ws('','', %4$s) || '']'')::jsonb '
            'FROM (SELECT d.doc, %5$s FROM (SELECT n.%6$I AS doc, %7$s FROM old_rows AS o '
            'JOIN new_rows AS n ON n.%6$I = o.%6$I) AS d WHERE %8$s OFFSET 0) AS e',
            subtype, m.model, array_to_string(items, ', '), array_to_string(json_items, ', '),
            array_to_string(displays, ', '), m.key_column, array_to_string(raw_cols, ', '),
            array_to_string(changed, ' OR '));
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
SET jit = off
SET work_mem = '64MB'
AS $body$
DECLARE
    _chatter_author bigint;
    _chatter_rows bigint;
    _chatter_written bigint := 0;
    _chatter_rekeyed bigint := 0;
BEGIN
    -- Writes made by another trigger (compute cascades) and sessions that switched tracking off.
    IF pg_trigger_depth() > 1 OR lower(current_setting('chatter.tracking', true)) = 'off' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' AND lower(current_setting('chatter.create_nolog', true)) = 'on' THEN
        RETURN NULL;
    END IF;
    _chatter_author := chatter.current_contact_id();
    SELECT count(*) INTO _chatter_rows FROM new_rows;
    -- Small statements use plans cached for small row counts; larger ones are planned for their size
    -- (EXECUTE), because a cached plan keeps the transition tables' row count of its first call.
    IF TG_OP = 'INSERT' THEN
        IF _chatter_rows <= 64 THEN
            %2$s;
        ELSE
            EXECUTE %3$L USING _chatter_author;
        END IF;
        GET DIAGNOSTICS _chatter_written = ROW_COUNT;
    ELSIF _chatter_rows <= 64 THEN
        %4$s
        %5$s;
        GET DIAGNOSTICS _chatter_rekeyed = ROW_COUNT;
    ELSE
        %6$s
        EXECUTE %7$L USING _chatter_author;
        GET DIAGNOSTICS _chatter_rekeyed = ROW_COUNT;
    END IF;
    -- One small hint per statement for the record's open viewers; never per row.
    IF _chatter_written + _chatter_rekeyed > 0 AND coalesce(lower(current_setting('chatter.realtime', true)), '') <> 'off' THEN
        PERFORM pg_notify('chatter_realtime', json_build_object(
            'user_id', NULL, 'type', 'activity_update',
            'data', json_build_object('kind', 'record_changed', 'model', %8$L,
                                      'documents', (SELECT array_agg(k.doc) FROM
                                          (SELECT n.%9$I AS doc FROM new_rows AS n LIMIT 20) AS k)))::text);
    END IF;
    RETURN NULL;
END
$body$
$fn$, fn,
        replace(insert_sql, '{author}', '_chatter_author'), replace(insert_sql, '{author}', '$1'),
        CASE WHEN update_sql IS NULL THEN ''
             ELSE replace(update_sql, '{author}', '_chatter_author') || '; GET DIAGNOSTICS _chatter_written = ROW_COUNT;' END,
        replace(rekey_sql, '{author}', '_chatter_author'),
        CASE WHEN update_sql IS NULL THEN ''
             ELSE format('EXECUTE %L USING _chatter_author; GET DIAGNOSTICS _chatter_written = ROW_COUNT;',
                         replace(update_sql, '{author}', '$1')) END,
        replace(rekey_sql, '{author}', '$1'), m.model, m.key_column);
    EXECUTE format('COMMENT ON FUNCTION chatter.%I() IS %L', fn,
                   'Generated by chatter._track_install for ' || tbl::text || '; regenerated on ALTER TABLE');
    EXECUTE format('REVOKE EXECUTE ON FUNCTION chatter.%I() FROM PUBLIC', fn);

    -- Transition tables allow one event per trigger, and no column list.
    EXECUTE format('DROP TRIGGER IF EXISTS chatter_track_insert ON %s', tbl);
    EXECUTE format('DROP TRIGGER IF EXISTS chatter_track_update ON %s', tbl);
    EXECUTE format('CREATE TRIGGER chatter_track_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION chatter.%I()', tbl, fn);
    EXECUTE format('CREATE TRIGGER chatter_track_update AFTER UPDATE ON %s '
                   'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION chatter.%I()', tbl, fn);
END
$$;
COMMENT ON FUNCTION chatter._track_install(regclass) IS
    'Generates the set-based tracking function of a table and installs its statement triggers';


SELECT chatter._track_install(m."table") FROM chatter.models AS m WHERE m.track;

DROP FUNCTION chatter._track_bulk_begin(bigint);

COMMIT;
