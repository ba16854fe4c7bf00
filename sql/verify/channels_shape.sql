-- Verify pgchatter:channels_shape on pg

BEGIN;

-- The trigger fires always, on the columns the rules read, and no CHECK is left on chatter.channels.
SELECT 1 / count(*) FROM pg_catalog.pg_trigger AS t
 WHERE t.tgrelid = 'chatter.channels'::regclass AND t.tgname = 'channels_shape' AND t.tgenabled = 'A'
   AND t.tgfoid = 'chatter._channel_shape()'::regprocedure;
SELECT 1 / (count(*) = 0)::integer FROM pg_catalog.pg_constraint AS c
 WHERE c.conrelid = 'chatter.channels'::regclass AND c.contype = 'c';
-- The rules hold: a blank name and a user pair on a Public channel are refused.
DO $$
BEGIN
    BEGIN
        INSERT INTO chatter.channels (name) VALUES ('  ');
        RAISE EXCEPTION 'channels_shape: a blank name was accepted';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    BEGIN
        INSERT INTO chatter.channels (name, dm_user_low, dm_user_high) VALUES ('verify', 1, 2);
        RAISE EXCEPTION 'channels_shape: a Public channel with a user pair was accepted';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
END
$$;

ROLLBACK;
