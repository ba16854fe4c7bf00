-- Deploy pgchatter:models to pg
-- requires: schema, roles

BEGIN;

CREATE TABLE chatter.models (
    model           text PRIMARY KEY CHECK (model ~ '^[A-Za-z_][A-Za-z0-9_.]*$'),
    "table"         regclass NOT NULL UNIQUE,
    key_column      name NOT NULL,
    collaborate     boolean NOT NULL DEFAULT true,
    track           boolean NOT NULL DEFAULT true,
    contact_columns text[] NOT NULL DEFAULT '{}',
    label           name,
    enabled_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE chatter.models IS
    'Tables opted into chatter (seed _collaborate / _track / _collaborate_contact); written by chatter.enable';
COMMENT ON COLUMN chatter.models.model IS 'Name messages use to point at the table (model + document)';
COMMENT ON COLUMN chatter.models."table" IS 'The opted-in table; follows renames';
COMMENT ON COLUMN chatter.models.key_column IS 'Its single-column integer primary key: the document id';
COMMENT ON COLUMN chatter.models.collaborate IS 'Show the chatter panel: messages, followers, attachments, activities';
COMMENT ON COLUMN chatter.models.track IS 'Log changes of tracked columns as Tracking messages';
COMMENT ON COLUMN chatter.models.contact_columns IS
    'Columns naming the record''s correspondents: FK to chatter.contacts or an email text column';
COMMENT ON COLUMN chatter.models.label IS
    'Column holding a row''s display name (used when other tables reference this one); NULL = name/display_name';

GRANT SELECT ON chatter.models TO chatter_app;

COMMIT;
