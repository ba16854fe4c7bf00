-- Deploy pgchatter:record_lookup to pg
-- requires: record_lookup@v0.5.0, readable_generate

BEGIN;

-- Raises CH003 unless the model is registered and the record exists; returns the registration. The
-- lookup is chatter.record_readable's (static SQL per table, generated from the registry), not a second
-- dynamic query: for the system, who calls this, readable and existing are the same.
CREATE OR REPLACE FUNCTION chatter._check_record(model text, document bigint) RETURNS chatter.models
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    m chatter.models := chatter._model(model);
BEGIN
    IF NOT chatter.record_readable(model, document) THEN
        RAISE EXCEPTION '% #% not found', m.model, coalesce(document::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    RETURN m;
END
$$;

COMMIT;
