-- Deploy pgchatter:settings to pg
-- requires: ownership

BEGIN;

-- Values an operator tunes without a new release, read by the functions that need them. Not granted to
-- chatter_app: the definer functions read them; the owner (or the listener, from its environment)
-- writes them.
CREATE TABLE chatter.settings (
    name        text PRIMARY KEY,
    value       text NOT NULL,
    description text NOT NULL,
    -- Each setting's value must parse as its type: a bad value fails the write, not a later post.
    CONSTRAINT settings_value_check CHECK (name <> 'chat_email_delay' OR value::interval >= interval '0')
);
COMMENT ON TABLE chatter.settings IS
    'Tunable values (name, value as text, description); the owner or the listener (from its environment) sets them';
COMMENT ON COLUMN chatter.settings.name IS 'The setting, read by name by the function that needs it';
COMMENT ON COLUMN chatter.settings.value IS 'Its value as text, checked to parse as the setting''s type';
INSERT INTO chatter.settings (name, value, description) VALUES
    ('chat_email_delay', '10 minutes',
     'how long a DM message stays unread before its recipient (preference email) is emailed; '
     'CHATTER_CHAT_EMAIL_DELAY (seconds) in the listener''s environment sets it');
ALTER TABLE chatter.settings OWNER TO chatter_owner;
ALTER TABLE chatter.settings ENABLE ROW LEVEL SECURITY;

COMMIT;
