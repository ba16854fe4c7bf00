-- Deploy pgchatter:mailgate to pg
-- requires: message_type_email
-- requires: message_audience
-- requires: settings
-- requires: outbox
-- requires: create_message
-- requires: followers_api

BEGIN;

-- SPEC 8a, the mail gateway (Odoo's mail gateway). `pgchatter mailgate` hands every received mail to
-- chatter.mailgate_accept, which routes it and stores the raw bytes before the SMTP server answers 250;
-- a worker then claims stored mails (mailgate_claim), parses them and posts each as an 'Email' message
-- (mailgate_post), or records a failure (mailgate_fail): retried with backoff, then a visible dead letter
-- (chatter.mailgate_dead_letters). Every rule is here; the gateway only parses MIME and speaks SMTP.

-- The gateway's role: the four entry points are granted to it, and to nothing else (not chatter_app: an
-- application user never posts as somebody's email). The gateway's login is made a member of it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'chatter_mailgate') THEN
        CREATE ROLE chatter_mailgate NOLOGIN;
    END IF;
END
$$;
COMMENT ON ROLE chatter_mailgate IS
    'The mail gateway (pgchatter mailgate): may store, claim and post received mails, nothing else';
GRANT USAGE ON SCHEMA chatter TO chatter_mailgate;

-- An 'Email' message is what the gateway received: no application user writes one (create_message with
-- message_type 'Email', or a plain INSERT), so the Email tag in the feed always means "came by email".
-- A row trigger whose WHEN clause is evaluated before any call: other messages never run it.
CREATE FUNCTION chatter._email_by_gateway() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF NOT chatter._caller_is_system() THEN
        RAISE EXCEPTION 'Email messages are written by the mail gateway' USING ERRCODE = 'CH004';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._email_by_gateway() IS 'CH004 for an Email message written by anyone but the system (the gateway)';
CREATE TRIGGER messages_email_by_gateway BEFORE INSERT OR UPDATE OF message_type ON chatter.messages
    FOR EACH ROW WHEN (NEW.message_type = 'Email') EXECUTE FUNCTION chatter._email_by_gateway();
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER messages_email_by_gateway;

-- Tunables: where replies go and how long a reply token lives.
ALTER TABLE chatter.settings ADD CONSTRAINT settings_mailgate_check CHECK (
    (name <> 'mail_token_lifetime' OR value::interval > interval '0')
    AND (name <> 'mail_reply_alias' OR value ~ '^[a-z0-9][a-z0-9._-]{0,30}$'));
INSERT INTO chatter.settings (name, value, description) VALUES
    ('mail_reply_alias', 'reply',
     'local part of the Reply-To of outgoing emails: <alias>+<token>@<CHATTER_MAIL_DOMAIN>'),
    ('mail_token_lifetime', '180 days',
     'how long the reply token of an outgoing email stays valid; a reply after that is refused (550)');

-- The secret of the reply tokens, made at deploy and never shown: the HMAC-SHA256 key already XORed
-- with the inner and outer pads (RFC 2104), so a token costs two sha256() calls and no pgcrypto.
CREATE TABLE chatter.mail_secret (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    ipad       bytea NOT NULL CHECK (octet_length(ipad) = 64),
    opad       bytea NOT NULL CHECK (octet_length(opad) = 64),
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE chatter.mail_secret IS
    'HMAC key of the reply tokens (XORed with the RFC 2104 pads); one row; readable by chatter_owner only';
DO $$
DECLARE
    -- 244 random bits from two v4 UUIDs (gen_random_uuid uses the strong random source).
    key bytea := sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'))
                 || '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    ipad bytea := key;
    opad bytea := key;
BEGIN
    FOR i IN 0..63 LOOP
        ipad := set_byte(ipad, i, get_byte(key, i) # 54);   -- 0x36
        opad := set_byte(opad, i, get_byte(key, i) # 92);   -- 0x5c
    END LOOP;
    INSERT INTO chatter.mail_secret (ipad, opad) VALUES (ipad, opad);
END
$$;

CREATE FUNCTION chatter._mail_hmac(payload text) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT encode(sha256(s.opad || sha256(s.ipad || convert_to(payload, 'UTF8'))), 'hex') FROM chatter.mail_secret AS s
$$;
COMMENT ON FUNCTION chatter._mail_hmac(text) IS 'HMAC-SHA256 (hex) of a reply token''s payload with the database''s secret';

-- A reply token: MESSAGE-CONTACT-EXPIRY-MAC. It names the thread (the message emailed) and whom it was
-- sent to; EXPIRY is a day number (days since 1970-01-01); MAC is 80 bits of the HMAC of the rest, so a
-- token cannot be forged or enumerated, and an expired one cannot be renewed.
CREATE FUNCTION chatter.mail_token(message bigint, contact bigint) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    WITH t AS (SELECT message || '-' || contact || '-'
                      || ((current_date + (SELECT value::interval FROM chatter.settings WHERE name = 'mail_token_lifetime'))::date
                          - date '1970-01-01') AS payload)
    SELECT t.payload || '-' || left(chatter._mail_hmac(t.payload), 20) FROM t
$$;
COMMENT ON FUNCTION chatter.mail_token(bigint, bigint) IS
    'The authenticated reply token of a message emailed to a contact: MESSAGE-CONTACT-EXPIRY-MAC';

CREATE FUNCTION chatter.mail_reply_to(message bigint, contact bigint, mail_domain text) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT s.value || '+' || chatter.mail_token(message, contact) || '@' || mail_domain
      FROM chatter.settings AS s WHERE s.name = 'mail_reply_alias'
$$;
COMMENT ON FUNCTION chatter.mail_reply_to(bigint, bigint, text) IS
    'Reply-To of an outgoing email: <mail_reply_alias>+<mail_token>@<mail domain> (SPEC 8a)';

-- A token read back: its message and contact, or the problem (forged, expired), never an error.
CREATE FUNCTION chatter._mail_token_check(token text, OUT message bigint, OUT contact bigint, OUT problem text)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    parts text[] := regexp_match(token, '^([0-9]{1,18})-([0-9]{1,18})-([0-9]{1,7})-([0-9a-f]{20})$');
BEGIN
    IF parts IS NULL
       OR chatter._mail_hmac(parts[1] || '-' || parts[2] || '-' || parts[3]) NOT LIKE parts[4] || '%' THEN
        problem := 'the reply token is not valid';
    ELSIF date '1970-01-01' + parts[3]::integer < current_date THEN
        problem := 'the reply token has expired';
    ELSE
        message := parts[1]::bigint;
        contact := parts[2]::bigint;
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._mail_token_check(text) IS 'A reply token''s message and contact, or why it is refused';

-- Message-IDs of our emails (chatter.email_message_id: <pgchatter.MESSAGE.CONTACT@domain>) among ids.
CREATE FUNCTION chatter._our_message_ids(ids text[], mail_domain text) RETURNS TABLE (message bigint, contact bigint)
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
    SELECT m[1]::bigint, m[2]::bigint
      FROM unnest(ids) AS i, regexp_match(i, '^<?pgchatter\.([0-9]{1,18})\.([0-9]{1,18})@([^>]*)>?$') AS m
     WHERE lower(m[3]) = lower(mail_domain)
$$;
COMMENT ON FUNCTION chatter._our_message_ids(text[], text) IS
    'The (message, contact) of each of our Message-IDs (<pgchatter.M.C@mail domain>) among ids';

-- Aliases: mail to <alias>@<mail domain> opens a new record (Odoo: sales@ opens a lead). The function
-- is the application's: f(subject text, sender bigint) RETURNS bigint, the new record's id. It runs as
-- chatter_owner (mailgate_post is SECURITY DEFINER): make it SECURITY DEFINER, owned by the application,
-- and GRANT EXECUTE on it to chatter_owner.
CREATE TABLE chatter.mail_aliases (
    alias           text PRIMARY KEY CHECK (alias ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    model           text NOT NULL REFERENCES chatter.models (model) ON DELETE CASCADE ON UPDATE CASCADE,
    create_function regprocedure NOT NULL,
    description     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT mail_aliases_function_check CHECK (
        create_function::text LIKE '%(text,bigint)' OR create_function::text LIKE '%(text, bigint)')
);
COMMENT ON TABLE chatter.mail_aliases IS
    'Mail to <alias>@<mail domain> creates a record of model through create_function(subject text, sender bigint) '
    'RETURNS bigint (the record id), then stores the mail on it';

-- Every received mail, stored before the SMTP answer 250 (raw bytes, as received), then processed.
CREATE TABLE chatter.inbound_mails (
    id             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    received_at    timestamptz NOT NULL DEFAULT now(),
    raw            bytea NOT NULL,
    envelope_from  text,
    recipients     text[] NOT NULL,
    sender         text NOT NULL,
    subject        text,
    message_id     text,
    route          text NOT NULL CHECK (route IN ('token', 'thread', 'alias', 'bounce')),
    model          text,
    document       bigint,
    parent_id      bigint REFERENCES chatter.messages (id) ON DELETE SET NULL,
    alias          text REFERENCES chatter.mail_aliases (alias) ON DELETE SET NULL,
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'done', 'dead')),
    attempts       integer NOT NULL DEFAULT 0,
    run_after      timestamptz NOT NULL DEFAULT now(),
    claimed_by     text,
    claimed_at     timestamptz,
    last_error     text,
    posted_message bigint REFERENCES chatter.messages (id) ON DELETE SET NULL
);
COMMENT ON TABLE chatter.inbound_mails IS
    'Mails received by the gateway, stored before it answered 250; pending -> claimed -> done, or dead after the last retry';
COMMENT ON COLUMN chatter.inbound_mails.sender IS 'The From address, lower case: the author''s contact';
COMMENT ON COLUMN chatter.inbound_mails.route IS 'How it was routed: reply token, In-Reply-To/References, alias, or a bounce';
-- The same Message-ID twice stores one mail.
CREATE UNIQUE INDEX inbound_mails_message_id_key ON chatter.inbound_mails (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX inbound_mails_claimable_idx ON chatter.inbound_mails (id) WHERE status IN ('pending', 'claimed');
CREATE INDEX inbound_mails_sender_idx ON chatter.inbound_mails (sender, received_at);
CREATE INDEX inbound_mails_dead_idx ON chatter.inbound_mails (id) WHERE status = 'dead';

CREATE VIEW chatter.mailgate_dead_letters AS
SELECT i.id AS inbound, i.received_at, i.sender, i.recipients, i.subject, i.message_id, i.attempts, i.last_error
  FROM chatter.inbound_mails AS i WHERE i.status = 'dead';
COMMENT ON VIEW chatter.mailgate_dead_letters IS
    'Received mails given up after the last attempt (or refused for good), with the last error; requeue with mailgate_retry';

-- Bounces (DSN) mark the notification emailed ('bounced') and count on the contact.
ALTER TABLE chatter.notifications DROP CONSTRAINT notifications_email_status_check;
ALTER TABLE chatter.notifications ADD CONSTRAINT notifications_email_status_check
    CHECK (email_status IN ('none', 'pending', 'sent', 'failed', 'bounced'));
CREATE TABLE chatter.contact_bounces (
    contact_id     bigint PRIMARY KEY REFERENCES chatter.contacts (id) ON DELETE CASCADE,
    bounces        integer NOT NULL DEFAULT 0,
    last_bounce_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE chatter.contact_bounces IS 'Delivery reports (bounces) received for emails to a contact';
-- Which emails of a message bounced, for the page (message_wire): readable with the message, as its files.
CREATE TABLE chatter.message_bounces (
    message_id bigint NOT NULL REFERENCES chatter.messages (id) ON DELETE CASCADE,
    contact_id bigint NOT NULL REFERENCES chatter.contacts (id) ON DELETE CASCADE,
    bounced_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, contact_id)
);
COMMENT ON TABLE chatter.message_bounces IS 'Emails of a message that came back as a delivery report (bounce)';
ALTER TABLE chatter.message_bounces ENABLE ROW LEVEL SECURITY;
CREATE POLICY message_bounces_visible ON chatter.message_bounces FOR SELECT TO chatter_app
    USING (EXISTS (SELECT FROM chatter.messages AS m WHERE m.id = message_bounces.message_id));
GRANT SELECT ON chatter.message_bounces TO chatter_app;

-- Store a received mail, or say why not (the SMTP answer 550). headers: what the gateway read with
-- Python's email package: message_id, sender (the From address), from_name, subject, thread (In-Reply-To
-- then References), auto_submitted, precedence, bounce (a delivery report), bounced_ids (the Message-IDs
-- it reports on). SECURITY DEFINER: the gateway's role writes chatter's tables only through these.
CREATE FUNCTION chatter.mailgate_accept(raw bytea, envelope_from text, recipients text[], headers jsonb,
                                        mail_domain text, rate integer DEFAULT 30)
RETURNS TABLE (inbound bigint, refusal text, duplicate boolean)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    v_sender text := lower(btrim(headers->>'sender'));
    mid text := nullif(btrim(headers->>'message_id'), '');
    v_route text;
    v_model text;
    v_document bigint;
    v_parent bigint;
    v_alias text;
    v_id bigint;
    r text;
    parts text[];
    tok record;
    ref text;
BEGIN
    IF raw IS NULL OR recipients IS NULL OR cardinality(recipients) = 0 OR mail_domain IS NULL THEN
        RAISE EXCEPTION 'mailgate_accept needs the raw mail, its recipients and the mail domain' USING ERRCODE = 'CH005';
    END IF;
    -- A delivery report about one of our emails: the notification bounced.
    IF coalesce((headers->>'bounce')::boolean, false) THEN
        WITH ours AS (SELECT DISTINCT o.message, o.contact
                        FROM chatter._our_message_ids(ARRAY(SELECT jsonb_array_elements_text(headers->'bounced_ids')),
                                                      mail_domain) AS o),
        marked AS (UPDATE chatter.notifications AS n SET email_status = 'bounced'
                     FROM ours WHERE n.message_id = ours.message AND n.contact_id = ours.contact
                      AND n.email_status <> 'bounced'
                   RETURNING n.message_id, n.contact_id),
        counted AS (INSERT INTO chatter.contact_bounces AS b (contact_id, bounces)
                    SELECT m.contact_id, count(*) FROM marked AS m GROUP BY m.contact_id
                    ON CONFLICT (contact_id) DO UPDATE SET bounces = b.bounces + excluded.bounces, last_bounce_at = now()
                    RETURNING 1),
        shown AS (INSERT INTO chatter.message_bounces (message_id, contact_id)
                  SELECT m.message_id, m.contact_id FROM marked AS m
                  ON CONFLICT DO NOTHING
                  RETURNING 1)
        -- (data-modifying CTEs run to completion whether or not the query reads them)
        SELECT count(*) INTO v_id FROM ours WHERE EXISTS (SELECT FROM chatter.notifications AS n
                                                           WHERE n.message_id = ours.message AND n.contact_id = ours.contact);
        IF v_id = 0 THEN
            RETURN QUERY SELECT NULL::bigint, 'a delivery report about no email of ours'::text, false;
            RETURN;
        END IF;
        INSERT INTO chatter.inbound_mails AS i (raw, envelope_from, recipients, sender, subject, message_id, route,
                                                status)
        VALUES (raw, envelope_from, recipients, coalesce(v_sender, lower(envelope_from), ''), headers->>'subject', mid,
                'bounce', 'done')
        ON CONFLICT (message_id) WHERE message_id IS NOT NULL DO NOTHING
        RETURNING i.id INTO v_id;
        RETURN QUERY SELECT v_id, NULL::text, v_id IS NULL;
        RETURN;
    END IF;

    -- Loops and robots (SPEC 8a): our own mail coming back, auto-replies, bulk mail, a flood.
    IF mid IS NOT NULL AND EXISTS (SELECT FROM chatter._our_message_ids(ARRAY[mid], mail_domain)) THEN
        RETURN QUERY SELECT NULL::bigint, format('mail loop: %s is an email pgchatter sent', mid), false;
        RETURN;
    END IF;
    IF lower(btrim(coalesce(headers->>'auto_submitted', 'no'))) <> 'no' THEN
        RETURN QUERY SELECT NULL::bigint, format('automatic mail is not accepted (Auto-Submitted: %s)',
                                                 left(headers->>'auto_submitted', 40)), false;
        RETURN;
    END IF;
    IF lower(btrim(headers->>'precedence')) IN ('bulk', 'junk', 'auto_reply') THEN
        RETURN QUERY SELECT NULL::bigint, format('automatic mail is not accepted (Precedence: %s)',
                                                 lower(btrim(headers->>'precedence'))), false;
        RETURN;
    END IF;
    IF v_sender IS NULL OR v_sender !~ '^[^@[:space:]<>]+@[^@[:space:]<>]+$' THEN
        RETURN QUERY SELECT NULL::bigint, 'no sender address (From)'::text, false;
        RETURN;
    END IF;
    IF (SELECT count(*) FROM chatter.inbound_mails AS i
         WHERE i.sender = v_sender AND i.received_at > now() - interval '1 minute') >= rate THEN
        RETURN QUERY SELECT NULL::bigint, format('%s sent more than %s mails in a minute (CHATTER_MAILGATE_RATE)',
                                                 v_sender, rate), false;
        RETURN;
    END IF;
    IF mid IS NOT NULL THEN
        SELECT i.id INTO v_id FROM chatter.inbound_mails AS i WHERE i.message_id = mid;
        IF FOUND THEN
            RETURN QUERY SELECT v_id, NULL::text, true;
            RETURN;
        END IF;
    END IF;

    -- 1. A reply token in any recipient address: <alias>+<token>@<mail domain>.
    FOREACH r IN ARRAY recipients LOOP
        parts := regexp_match(lower(btrim(r, ' <>')), '^[^+@]+\+([^@]+)@(.+)$');
        CONTINUE WHEN parts IS NULL OR parts[2] <> lower(mail_domain);
        tok := chatter._mail_token_check(parts[1]);
        IF tok.problem IS NOT NULL THEN
            RETURN QUERY SELECT NULL::bigint, tok.problem, false;
            RETURN;
        END IF;
        SELECT m.model, m.document, m.id INTO v_model, v_document, v_parent
          FROM chatter.messages AS m WHERE m.id = tok.message AND m.model IS NOT NULL;
        IF NOT FOUND THEN
            RETURN QUERY SELECT NULL::bigint, 'the conversation of this reply token no longer exists'::text, false;
            RETURN;
        END IF;
        v_route := 'token';
        EXIT;
    END LOOP;

    -- 2. In-Reply-To, then References: an email we sent, or a mail we stored. A Message-ID can be guessed,
    -- so it routes only a sender the thread knows: the contact it was sent to, or a follower of the record.
    IF v_route IS NULL THEN
        FOR ref IN SELECT jsonb_array_elements_text(headers->'thread') LOOP
            SELECT m.model, m.document, m.id INTO v_model, v_document, v_parent
              FROM chatter._our_message_ids(ARRAY[ref], mail_domain) AS o
              JOIN chatter.messages AS m ON m.id = o.message AND m.model IS NOT NULL
              LEFT JOIN chatter.contacts AS c ON c.id = o.contact
             WHERE lower(c.email) = v_sender
                OR EXISTS (SELECT FROM chatter.followers AS f JOIN chatter.contacts AS fc ON fc.id = f.contact_id
                            WHERE f.model = m.model AND f.document = m.document AND lower(fc.email) = v_sender);
            IF NOT FOUND THEN
                SELECT m.model, m.document, m.id INTO v_model, v_document, v_parent
                  FROM chatter.inbound_mails AS i
                  JOIN chatter.messages AS m ON m.id = i.posted_message
                 WHERE i.message_id = ref
                   AND (i.sender = v_sender
                        OR EXISTS (SELECT FROM chatter.followers AS f JOIN chatter.contacts AS fc ON fc.id = f.contact_id
                                    WHERE f.model = m.model AND f.document = m.document AND lower(fc.email) = v_sender));
            END IF;
            IF FOUND THEN
                v_route := 'thread';
                EXIT;
            END IF;
        END LOOP;
    END IF;

    -- 3. An alias of the mail domain opens a new record.
    IF v_route IS NULL THEN
        SELECT a.alias, a.model INTO v_alias, v_model
          FROM unnest(recipients) AS x, regexp_match(lower(btrim(x, ' <>')), '^([^+@]+)(\+[^@]*)?@(.+)$') AS p
          JOIN chatter.mail_aliases AS a ON a.alias = p[1]
         WHERE p[3] = lower(mail_domain)
         LIMIT 1;
        IF FOUND THEN
            v_route := 'alias';
        END IF;
    END IF;

    IF v_route IS NULL THEN
        RETURN QUERY SELECT NULL::bigint,
            format('no route for %s: no reply token, no known conversation in In-Reply-To/References, no alias',
                   left(array_to_string(recipients, ', '), 200)), false;
        RETURN;
    END IF;
    INSERT INTO chatter.inbound_mails AS i (raw, envelope_from, recipients, sender, subject, message_id, route, model,
                                            document, parent_id, alias)
    VALUES (raw, envelope_from, recipients, v_sender, left(headers->>'subject', 1000), mid, v_route,
            CASE WHEN v_route <> 'alias' THEN v_model END, v_document, v_parent, v_alias)
    ON CONFLICT (message_id) WHERE message_id IS NOT NULL DO NOTHING
    RETURNING i.id INTO v_id;
    IF v_id IS NULL THEN   -- the same mail, stored by a concurrent session meanwhile
        SELECT i.id INTO v_id FROM chatter.inbound_mails AS i WHERE i.message_id = mid;
        RETURN QUERY SELECT v_id, NULL::text, true;
        RETURN;
    END IF;
    RETURN QUERY SELECT v_id, NULL::text, false;
END
$$;
COMMENT ON FUNCTION chatter.mailgate_accept(bytea, text, text[], jsonb, text, integer) IS
    'Route and store a received mail before the SMTP 250 (or a bounce: mark the notification); the refusal otherwise';

-- The worker's claim, as the outbox's: SKIP LOCKED, a crashed worker's claims taken over after the lease,
-- a mail that crashed its workers max_attempts times becomes a dead letter.
CREATE FUNCTION chatter.mailgate_claim(worker text, n integer DEFAULT 20, lease interval DEFAULT '5 minutes',
                                       max_attempts integer DEFAULT 5)
RETURNS TABLE (inbound bigint, raw bytea, attempts integer)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    UPDATE chatter.inbound_mails AS i
       SET status = 'dead', last_error = coalesce(i.last_error || '; ', '')
                                         || format('claimed %s times without an outcome (a worker crashed?)', i.attempts)
     WHERE i.status = 'claimed' AND i.claimed_at < now() - lease AND i.attempts >= max_attempts;
    RETURN QUERY
    WITH due AS (
        SELECT i.id FROM chatter.inbound_mails AS i
         WHERE (i.status = 'pending' AND i.run_after <= now()) OR (i.status = 'claimed' AND i.claimed_at < now() - lease)
         ORDER BY i.id
         LIMIT n
           FOR UPDATE SKIP LOCKED)
    UPDATE chatter.inbound_mails AS i
       SET status = 'claimed', claimed_by = worker, claimed_at = now(), attempts = i.attempts + 1
      FROM due WHERE i.id = due.id
    RETURNING i.id, i.raw, i.attempts;
END
$$;
COMMENT ON FUNCTION chatter.mailgate_claim(text, integer, interval, integer) IS
    'Claim up to n stored mails to process (SKIP LOCKED; a crashed worker''s claims taken over after the lease)';

-- Post a claimed mail: the author by address (a contact created when unknown), the record (a new one for
-- an alias), the attachments (inline images: cid: links rewritten to the stored file), the 'Email'
-- message, its notifications (followers, as for any message), the sender following the record.
CREATE FUNCTION chatter.mailgate_post(inbound bigint, worker text, from_name text, subject text, body text,
                                      attachment_names text[] DEFAULT '{}', attachment_types text[] DEFAULT '{}',
                                      attachment_contents bytea[] DEFAULT '{}', attachment_cids text[] DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    mail chatter.inbound_mails;
    author bigint;
    v_model text;
    v_document bigint;
    fn regprocedure;
    att bigint;
    atts bigint[] := '{}';
    new_id bigint;
    html text := coalesce(body, '');
BEGIN
    SELECT * INTO mail FROM chatter.inbound_mails AS i
     WHERE i.id = inbound AND i.status = 'claimed' AND i.claimed_by = worker FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'inbound mail % is not claimed by %', inbound, worker USING ERRCODE = 'CH004';
    END IF;
    SELECT c.id INTO author FROM chatter.contacts AS c WHERE lower(c.email) = mail.sender ORDER BY c.id LIMIT 1;
    IF NOT FOUND THEN
        INSERT INTO chatter.contacts (name, email)
        VALUES (coalesce(nullif(left(btrim(regexp_replace(from_name, '[[:cntrl:]]', ' ', 'g')), 200), ''), mail.sender),
                mail.sender)
        RETURNING id INTO author;
    END IF;

    v_model := mail.model;
    v_document := mail.document;
    IF mail.route = 'alias' THEN
        SELECT a.model, a.create_function INTO v_model, fn FROM chatter.mail_aliases AS a WHERE a.alias = mail.alias;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'the alias of inbound mail % is gone', inbound USING ERRCODE = 'CH003';
        END IF;
        EXECUTE format('SELECT %s($1, $2)', fn::oid::regproc) INTO v_document USING subject, author;
    ELSIF mail.route <> 'token' AND mail.route <> 'thread' THEN
        RAISE EXCEPTION 'inbound mail % is a %, nothing to post', inbound, mail.route USING ERRCODE = 'CH005';
    END IF;
    PERFORM chatter._check_record(v_model, v_document);
    PERFORM chatter._record_contacts(v_model, v_document, true);   -- email-only correspondents become contacts

    FOR i IN 1 .. coalesce(cardinality(attachment_names), 0) LOOP
        INSERT INTO chatter.attachments (name, mimetype, content, model, document, created_by)
        VALUES (attachment_names[i], coalesce(attachment_types[i], 'application/octet-stream'),
                attachment_contents[i], v_model, v_document, author)
        RETURNING id INTO att;
        atts := atts || att;
        IF attachment_cids[i] IS NOT NULL THEN
            -- The page fetches /api/attachments/ID with its token; the sanitizer keeps a relative URL.
            html := replace(html, 'cid:' || attachment_cids[i], '/api/attachments/' || att);
        END IF;
    END LOOP;

    INSERT INTO chatter.messages AS m (message_type, subtype_id, model, document, subject, body, author_id,
                                       from_email, parent_id)
    VALUES ('Email', (SELECT s.id FROM chatter.subtypes AS s WHERE s.identifier = 'comment'), v_model, v_document,
            nullif(left(btrim(subject), 1000), ''), html, author, mail.sender, mail.parent_id)
    RETURNING m.id INTO new_id;
    INSERT INTO chatter.message_attachments (message_id, attachment_id) SELECT new_id, a FROM unnest(atts) AS a;
    -- Followers are notified (by email too, as their preference says); the author is not in the audience.
    PERFORM chatter._notify_audience(new_id, true);
    INSERT INTO chatter.followers (model, document, contact_id, subtype_ids)
    VALUES (v_model, v_document, author, chatter._subtype_ids(v_model, NULL))
    ON CONFLICT (model, document, contact_id) WHERE contact_id IS NOT NULL DO NOTHING;
    UPDATE chatter.inbound_mails AS i
       SET status = 'done', posted_message = new_id, model = v_model, document = v_document, last_error = NULL
     WHERE i.id = inbound;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION chatter.mailgate_post(bigint, text, text, text, text, text[], text[], bytea[], text[]) IS
    'Post a claimed inbound mail as an Email message on its record (author by address, attachments, followers notified)';

-- A mail that could not be posted: retried with backoff (2^attempts seconds, at most an hour), or a dead
-- letter when permanent (a limit, a record gone) or after max_attempts.
CREATE FUNCTION chatter.mailgate_fail(inbound bigint, worker text, error text, permanent boolean,
                                      max_attempts integer DEFAULT 5)
RETURNS text
LANGUAGE sql
SECURITY DEFINER
SET search_path = ''
AS $$
    UPDATE chatter.inbound_mails AS i
       SET status = CASE WHEN permanent OR i.attempts >= max_attempts THEN 'dead' ELSE 'pending' END,
           run_after = now() + make_interval(secs => least(3600, 2 ^ i.attempts)),
           last_error = left(error, 2000), claimed_by = NULL, claimed_at = NULL
     WHERE i.id = inbound AND i.status = 'claimed' AND i.claimed_by = worker
    RETURNING i.status
$$;
COMMENT ON FUNCTION chatter.mailgate_fail(bigint, text, text, boolean, integer) IS
    'Record a failure to post an inbound mail: pending again with backoff, or dead; returns the new status';

-- An operator fixed the cause: try these dead letters again (the owner's; not granted to the gateway).
CREATE FUNCTION chatter.mailgate_retry(mails bigint[]) RETURNS integer
LANGUAGE sql
SET search_path = ''
AS $$
    WITH again AS (UPDATE chatter.inbound_mails AS i SET status = 'pending', attempts = 0, run_after = now()
                    WHERE i.id = ANY (mails) AND i.status = 'dead' RETURNING 1)
    SELECT count(*)::integer FROM again
$$;
COMMENT ON FUNCTION chatter.mailgate_retry(bigint[]) IS 'Requeue dead inbound mails with fresh attempts; returns how many';

ALTER TABLE chatter.mail_secret OWNER TO chatter_owner;
ALTER TABLE chatter.mail_aliases OWNER TO chatter_owner;
ALTER TABLE chatter.inbound_mails OWNER TO chatter_owner;
ALTER TABLE chatter.contact_bounces OWNER TO chatter_owner;
ALTER TABLE chatter.message_bounces OWNER TO chatter_owner;
ALTER VIEW chatter.mailgate_dead_letters OWNER TO chatter_owner;
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc AS p
              WHERE p.pronamespace = 'chatter'::regnamespace
                AND p.proname IN ('_email_by_gateway', '_mail_hmac', 'mail_token', 'mail_reply_to', '_mail_token_check', '_our_message_ids',
                                  'mailgate_accept', 'mailgate_claim', 'mailgate_post', 'mailgate_fail', 'mailgate_retry')
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('ALTER FUNCTION %s OWNER TO chatter_owner', f);
    END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION chatter.mailgate_accept(bytea, text, text[], jsonb, text, integer),
                          chatter.mailgate_claim(text, integer, interval, integer),
                          chatter.mailgate_post(bigint, text, text, text, text, text[], text[], bytea[], text[]),
                          chatter.mailgate_fail(bigint, text, text, boolean, integer)
   TO chatter_mailgate;
-- The gateway reads what it stored (its dead letters among them), never the secret.
GRANT SELECT ON chatter.inbound_mails, chatter.mailgate_dead_letters TO chatter_mailgate;

COMMIT;
