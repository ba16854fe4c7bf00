-- Deploy pgchatter:track_generate to pg
-- requires: track_columns, subtypes, current_user_id

BEGIN;

-- HTML-escaping as an inline expression: generated code must not call a SET search_path function per
-- value (such functions are never inlined).
CREATE FUNCTION chatter._html_escape_sql(expr text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = ''
AS $$
    SELECT format($f$replace(replace(replace(replace(replace(%s, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')$f$, expr)
$$;
COMMENT ON FUNCTION chatter._html_escape_sql(text) IS 'SQL text of an expression HTML-escaping expr';

-- SQL text of the display value of column col of row alias side ('o' old, 'n' new).
CREATE FUNCTION chatter._track_display_sql(side text, col name, type regtype, ref_table regclass, ref_key name,
                                           ref_display name) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT CASE
        WHEN ref_table IS NOT NULL AND ref_display IS NOT NULL THEN
            format('coalesce((SELECT r.%1$I::text FROM %2$s AS r WHERE r.%3$I = %4$s.%5$I), ''#'' || %4$s.%5$I)',
                   ref_display, ref_table, ref_key, side, col)
        WHEN ref_table IS NOT NULL THEN format('''#'' || %s.%I', side, col)
        WHEN type = 'boolean'::regtype THEN format('CASE %s.%I WHEN true THEN ''Yes'' WHEN false THEN ''No'' END', side, col)
        ELSE format('%s.%I::text', side, col)
    END
$$;
COMMENT ON FUNCTION chatter._track_display_sql(text, name, regtype, regclass, name, name) IS
    'Generated expression rendering a tracked value: FK display name, Yes/No, enum label or text';

-- (Re)generates tbl's tracking function from its current columns and installs the two statement triggers.
-- Rows are compared through transition tables, one INSERT ... SELECT per statement; the queries run with
-- EXECUTE so each is planned for the rows at hand (a cached plan keeps the first call's row estimate:
-- a 20,000-row statement after one-row statements ran 55 s instead of 0.2 s), and jit is off because
-- transition tables have no statistics and JIT would compile on every bulk call. The generated function
-- is SECURITY DEFINER so that application roles, which may not write chatter.messages, are tracked too;
-- being a trigger function, it cannot be called directly.
CREATE FUNCTION chatter._track_install(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
SET client_min_messages = warning
AS $$
DECLARE
    m chatter.models;
    fn text := 'track_' || tbl::oid;
    key_label text;
    changed text[] := '{}';
    level1 text[] := '{}';
    items text[] := '{}';
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
        changed := changed || format('o.%1$I IS DISTINCT FROM n.%1$I', c."column");
        level1 := level1 || format(
            'o.%1$I IS DISTINCT FROM n.%1$I AS ch%2$s, '
            'CASE WHEN o.%1$I IS DISTINCT FROM n.%1$I THEN %3$s END AS od%2$s, '
            'CASE WHEN o.%1$I IS DISTINCT FROM n.%1$I THEN %4$s END AS nd%2$s, '
            'CASE WHEN o.%1$I IS DISTINCT FROM n.%1$I THEN to_jsonb(o.%1$I) END AS ov%2$s, '
            'CASE WHEN o.%1$I IS DISTINCT FROM n.%1$I THEN to_jsonb(n.%1$I) END AS nv%2$s',
            c."column", i,
            chatter._track_display_sql('o', c."column", c.type, c.ref_table, c.ref_key, c.ref_display),
            chatter._track_display_sql('n', c."column", c.type, c.ref_table, c.ref_key, c.ref_display));
        items := items || format(
            'CASE WHEN d.ch%1$s THEN %2$L || %3$s || '' → '' || %4$s || ''</li>'' END',
            i, '<li>' || chatter._html_escape(c.label) || ': ',
            chatter._html_escape_sql(format('coalesce(d.od%s, ''None'')', i)),
            chatter._html_escape_sql(format('coalesce(d.nd%s, ''None'')', i)));
        json_items := json_items || format(
            'CASE WHEN d.ch%1$s THEN jsonb_build_object(''field'', %2$L, ''label'', %3$L, ''old_value'', d.ov%1$s, '
            '''new_value'', d.nv%1$s, ''old_display'', d.od%1$s, ''new_display'', d.nd%1$s) END',
            i, c."column", c.label);
    END LOOP;

    insert_sql := format(
        'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id) '
        'SELECT ''Tracking'', %s, %L, n.%I, ''Record Created'', $1 FROM new_rows AS n',
        subtype, m.model, m.key_column);

    IF i > 0 THEN
        update_sql := format(
            'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id, tracking) '
            'SELECT ''Tracking'', %1$s, %2$L, d.doc, ''<ul>'' || concat(%3$s) || ''</ul>'', $1, '
            'to_jsonb(array_remove(ARRAY[%4$s]::jsonb[], NULL)) '
            'FROM (SELECT n.%5$I AS doc, %6$s FROM old_rows AS o JOIN new_rows AS n ON n.%5$I = o.%5$I '
            'WHERE %7$s OFFSET 0) AS d',   -- OFFSET 0: compute each display once, not once per use
            subtype, m.model, array_to_string(items, ', '), array_to_string(json_items, ', '), m.key_column,
            array_to_string(level1, ', '), array_to_string(changed, ' OR '));
    END IF;

    -- A row whose key changed cannot be joined to its old row. When one key changed in the statement the
    -- pair is certain and the message says "ID: 5 → 7"; with several, the old key is unknown.
    rekey_sql := format(
        'WITH moved AS (SELECT n.%1$I AS doc FROM new_rows AS n '
        '               WHERE NOT EXISTS (SELECT FROM old_rows AS o WHERE o.%1$I = n.%1$I)), '
        '     gone AS (SELECT o.%1$I AS doc FROM old_rows AS o '
        '               WHERE NOT EXISTS (SELECT FROM new_rows AS n WHERE n.%1$I = o.%1$I)), '
        '     pair AS (SELECT CASE WHEN count(*) = 1 THEN min(gone.doc) END AS old_doc FROM gone) '
        'INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id, tracking) '
        'SELECT ''Tracking'', %2$s, %3$L, moved.doc, '
        '       %4$L || coalesce(pair.old_doc::text, ''unknown'') || '' → '' || moved.doc || ''</li></ul>'', $1, '
        '       jsonb_build_array(jsonb_build_object(''field'', %5$L, ''label'', %6$L, '
        '           ''old_value'', to_jsonb(pair.old_doc), ''new_value'', to_jsonb(moved.doc), '
        '           ''old_display'', pair.old_doc::text, ''new_display'', moved.doc::text)) '
        '  FROM moved CROSS JOIN pair',
        m.key_column, subtype, m.model, '<ul><li>' || chatter._html_escape(key_label) || ': ',
        m.key_column, key_label);

    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION chatter.%1$I() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $body$
DECLARE
    author bigint;
    written bigint := 0;
    rekeyed bigint;
BEGIN
    -- Writes made by another trigger (compute cascades) and sessions that switched tracking off.
    IF pg_trigger_depth() > 1 OR lower(current_setting('chatter.tracking', true)) = 'off' THEN
        RETURN NULL;
    END IF;
    author := chatter.current_contact_id();
    IF TG_OP = 'INSERT' THEN
        IF lower(current_setting('chatter.create_nolog', true)) = 'on' THEN
            RETURN NULL;
        END IF;
        EXECUTE %2$L USING author;
        GET DIAGNOSTICS written = ROW_COUNT;
    ELSE
        %3$s
        EXECUTE %4$L USING author;
        GET DIAGNOSTICS rekeyed = ROW_COUNT;
        written := written + rekeyed;
    END IF;
    -- One small hint per statement for the record's open viewers; never per row.
    IF written > 0 AND coalesce(lower(current_setting('chatter.realtime', true)), '') <> 'off' THEN
        PERFORM pg_notify('chatter_realtime', json_build_object(
            'user_id', NULL, 'type', 'activity_update',
            'data', json_build_object('kind', 'record_changed', 'model', %5$L,
                                      'documents', (SELECT array_agg(k.doc) FROM
                                          (SELECT n.%6$I AS doc FROM new_rows AS n LIMIT 20) AS k)))::text);
    END IF;
    RETURN NULL;
END
$body$
$fn$, fn, insert_sql,
        CASE WHEN update_sql IS NULL THEN ''
             ELSE format('EXECUTE %L USING author; GET DIAGNOSTICS written = ROW_COUNT;', update_sql) END,
        rekey_sql, m.model, m.key_column);
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

CREATE FUNCTION chatter._track_uninstall(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
SET client_min_messages = warning
AS $$
BEGIN
    EXECUTE format('DROP TRIGGER IF EXISTS chatter_track_insert ON %s', tbl);
    EXECUTE format('DROP TRIGGER IF EXISTS chatter_track_update ON %s', tbl);
    EXECUTE format('DROP FUNCTION IF EXISTS chatter.%I()', 'track_' || tbl::oid);
END
$$;
COMMENT ON FUNCTION chatter._track_uninstall(regclass) IS 'Removes the tracking triggers and generated function of a table';

REVOKE EXECUTE ON FUNCTION chatter._html_escape_sql(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._track_display_sql(text, name, regtype, regclass, name, name) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._track_install(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._track_uninstall(regclass) FROM PUBLIC;

COMMIT;
