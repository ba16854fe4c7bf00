-- Deploy pgchatter:mentions to pg
-- requires: mentions@v0.5.0, html_text

BEGIN;

-- Contacts mentioned in a body: @[42] (user id), @"Full Name" (contact name), @username; case-insensitive.
-- An email address (bob@example.com) is not a mention: the @ must not follow a word character.
-- Found in the body's text (chatter.html_text), as a reader sees it and as the page marks it: entities
-- decoded (@"Smith &amp; Co" mentions Smith & Co), tags gone. A body without "@" or "&#" (an @ may be
-- written &#64;) has none, without reading it as text.
CREATE OR REPLACE FUNCTION chatter._mentioned_contacts(body text) RETURNS SETOF bigint
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    WITH b AS (SELECT chatter.html_text(body) AS t WHERE strpos(body, '@') > 0 OR strpos(body, '&#') > 0)
    SELECT u.contact_id
      FROM b, regexp_matches(b.t, '@\[([0-9]{1,18})\]', 'g') AS m
      JOIN chatter.users AS u ON u.id = m[1]::bigint
    UNION
    SELECT c.id
      FROM b, regexp_matches(b.t, '@"([^"<>]{1,200})"', 'g') AS m
      JOIN chatter.contacts AS c ON lower(c.name) = lower(btrim(m[1]))
    UNION
    SELECT u.contact_id
      FROM b, regexp_matches(b.t, '(^|[^[:alnum:]_.@])@([[:alnum:]_](?:[[:alnum:]_.-]*[[:alnum:]_])?)', 'g') AS m
      JOIN chatter.users AS u ON lower(u.username) = lower(m[2])
$$;

COMMIT;
