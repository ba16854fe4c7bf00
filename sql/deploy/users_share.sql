-- Deploy pgchatter:users_share to pg
-- requires: users

BEGIN;

-- Odoo's share flag: a portal (external) user. Internal-only content (Notes, internal subtypes,
-- activities) never reaches them, nor contacts without a user (SPEC 2a).
ALTER TABLE chatter.users ADD COLUMN share boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN chatter.users.share IS
    'An external (portal) user: sees no Notes, internal subtypes or activities; not settable by chatter_app';

COMMIT;
