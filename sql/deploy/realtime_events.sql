-- Deploy pgchatter:realtime_events to pg
-- requires: users, roles

BEGIN;

-- Realtime events that are not messages or notifications (today: activity pings), as rows. The bridge's
-- relay reads them by id, like messages and notifications, and never trusts a NOTIFY payload: pg_notify
-- is open to every role, so a payload proves nothing, while only chatter's own SECURITY DEFINER writers
-- can insert here (chatter_app has no privilege on the table).
CREATE TABLE chatter.realtime_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES chatter.users (id) ON DELETE CASCADE,
    data       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE chatter.realtime_events IS
    'Frames for one user''s sockets ({"type": "activity_update", "data": data}), written by chatter only; kept an hour';
CREATE INDEX realtime_events_created_at_idx ON chatter.realtime_events (created_at);
CREATE INDEX realtime_events_user_id_idx ON chatter.realtime_events (user_id);
ALTER TABLE chatter.realtime_events ENABLE ROW LEVEL SECURITY;   -- no policy: chatter_app sees nothing

COMMIT;
