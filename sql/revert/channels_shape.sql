-- Revert pgchatter:channels_shape from pg: the two CHECKs again

BEGIN;

DROP TRIGGER channels_shape ON chatter.channels;
DROP FUNCTION chatter._channel_shape();
ALTER TABLE chatter.channels
    ADD CONSTRAINT channels_name_check CHECK (btrim(name) <> ''),
    ADD CONSTRAINT channels_dm_pair_check CHECK (
        CASE WHEN kind = 'Direct' THEN dm_user_low < dm_user_high
             ELSE dm_user_low IS NULL AND dm_user_high IS NULL END);

COMMIT;
