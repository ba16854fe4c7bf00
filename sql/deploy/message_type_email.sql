-- Deploy pgchatter:message_type_email to pg
-- requires: message_type

BEGIN;

-- SPEC 8a: a reply received by email is stored as an 'Email' message (Odoo's incoming email). It is a
-- discussion message like 'Message' (the audience reads both, message_audience), written only by the mail
-- gateway (chatter.mailgate_post). ADD VALUE runs in a transaction since PostgreSQL 12; the value is used
-- from the next change on, never in this transaction.
ALTER TYPE chatter.message_type ADD VALUE IF NOT EXISTS 'Email';
COMMENT ON TYPE chatter.message_type IS
    'Message: a discussion post (may be emailed); Note: internal, never emailed; Tracking: automatic change log; '
    'Email: a reply received by email (pgchatter mailgate)';

COMMIT;
