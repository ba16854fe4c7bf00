-- Deploy pgchatter:track_columns to pg
-- requires: track_overrides, messages

BEGIN;

CREATE FUNCTION chatter._html_escape(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT replace(replace(replace(replace(replace(value, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                   '"', '&quot;'), '''', '&#39;')
$$;
COMMENT ON FUNCTION chatter._html_escape(text) IS 'Escapes text for HTML element content and attributes';

-- salesperson_id -> "Salesperson", email_from -> "Email from" (Odoo's field string style).
CREATE FUNCTION chatter._humanize(col name) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT CASE WHEN col = 'id' THEN 'ID' ELSE upper(left(h, 1)) || substr(h, 2) END
      FROM (SELECT btrim(replace(regexp_replace(col::text, '_id$', ''), '_', ' ')) AS h) AS s
$$;
COMMENT ON FUNCTION chatter._humanize(name) IS 'Label of a column without a comment: salesperson_id -> Salesperson';

-- The column naming a row of tbl: its registered label, else name, else display_name; NULL means "#id".
CREATE FUNCTION chatter._display_column(tbl regclass) RETURNS name
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT coalesce(
        (SELECT m.label FROM chatter.models AS m WHERE m."table" = tbl),
        (SELECT a.attname FROM pg_catalog.pg_attribute AS a
          WHERE a.attrelid = tbl AND a.attname IN ('name', 'display_name') AND NOT a.attisdropped
          ORDER BY a.attname = 'name' DESC LIMIT 1))
$$;
COMMENT ON FUNCTION chatter._display_column(regclass) IS
    'Display-name column of a referenced table: registered label, else name, else display_name';

-- Every column of tbl with whether it is tracked and why (SPEC section 4 defaults, then overrides).
CREATE FUNCTION chatter._tracked_columns(tbl regclass)
RETURNS TABLE (attnum smallint, "column" name, type regtype, tracked boolean, reason text, label text,
               ref_table regclass, ref_key name, ref_display name)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT a.attnum, a.attname, a.atttypid::regtype,
           CASE WHEN a.attgenerated <> '' THEN false
                WHEN pk.is_key THEN false
                WHEN o.track IS NOT NULL THEN o.track
                WHEN fk.ref_table IS NOT NULL THEN true
                ELSE by_type.tracked END,
           CASE WHEN a.attgenerated <> '' THEN 'generated column: never tracked'
                WHEN pk.is_key THEN 'primary key: identifies the record (a changed key is logged as such)'
                WHEN o.track IS NOT NULL THEN 'track_column override: ' || CASE WHEN o.track THEN 'on' ELSE 'off' END
                WHEN fk.ref_table IS NOT NULL THEN 'foreign key to ' || fk.ref_table::text || ': tracked by default'
                ELSE format_type(base.oid, NULL) || CASE WHEN by_type.tracked THEN ': tracked by default'
                                                        ELSE ': not tracked unless switched on' END END,
           coalesce(col_description(a.attrelid, a.attnum), chatter._humanize(a.attname)),
           fk.ref_table, fk.ref_key, CASE WHEN fk.ref_table IS NOT NULL THEN chatter._display_column(fk.ref_table) END
      FROM pg_catalog.pg_attribute AS a
      -- Domains are tracked like the type they are based on.
      JOIN pg_catalog.pg_type AS t ON t.oid = a.atttypid
      JOIN pg_catalog.pg_type AS base ON base.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      LEFT JOIN chatter.tracked_column_overrides AS o ON o.tbl = a.attrelid AND o.attnum = a.attnum
      CROSS JOIN LATERAL (
          SELECT EXISTS (SELECT FROM pg_catalog.pg_index AS i
                          WHERE i.indrelid = a.attrelid AND i.indisprimary AND i.indkey[0] = a.attnum
                            AND i.indnatts = 1) AS is_key) AS pk
      CROSS JOIN LATERAL (
          SELECT base.typtype = 'e' OR base.oid IN (
              'character varying'::regtype, 'character'::regtype, 'boolean'::regtype, 'date'::regtype,
              'timestamp without time zone'::regtype, 'timestamp with time zone'::regtype,
              'time without time zone'::regtype, 'time with time zone'::regtype, 'smallint'::regtype,
              'integer'::regtype, 'bigint'::regtype, 'numeric'::regtype, 'real'::regtype,
              'double precision'::regtype, 'money'::regtype) AS tracked) AS by_type
      -- Integer foreign keys are compared by id and shown by the referenced row's display name.
      LEFT JOIN LATERAL (
          SELECT k.confrelid::regclass AS ref_table, ka.attname AS ref_key
            FROM pg_catalog.pg_constraint AS k
            JOIN pg_catalog.pg_attribute AS ka ON ka.attrelid = k.confrelid AND ka.attnum = k.confkey[1]
           WHERE k.conrelid = a.attrelid AND k.contype = 'f' AND k.conkey = ARRAY[a.attnum]
             AND base.oid IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype)
           ORDER BY k.oid LIMIT 1) AS fk ON true
     WHERE a.attrelid = _tracked_columns.tbl AND a.attnum > 0 AND NOT a.attisdropped  -- o.tbl would shadow tbl
     ORDER BY a.attnum
$$;
COMMENT ON FUNCTION chatter._tracked_columns(regclass) IS
    'Columns of a table with tracked flag, reason, label and how a foreign key is displayed';

CREATE VIEW chatter.tracked_columns AS
SELECT m.model, c."column", c.type, m.track AND c.tracked AS tracked,
       CASE WHEN NOT m.track THEN 'model not tracked (enable(track => false))' ELSE c.reason END AS reason,
       c.label
  FROM chatter.models AS m
 CROSS JOIN LATERAL chatter._tracked_columns(m."table") AS c;
COMMENT ON VIEW chatter.tracked_columns IS 'Each column of each opted-in table: is it tracked, and why';

REVOKE EXECUTE ON FUNCTION chatter._html_escape(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._humanize(name) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._display_column(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._tracked_columns(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._html_escape(text) TO chatter_app;

COMMIT;
