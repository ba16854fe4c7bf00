-- Revert pgchatter:record_lookup from pg: _check_record as of @v0.5.0 (its own dynamic lookup)

BEGIN;

-- Raises CH003 unless the model is registered and the record exists; returns the registration.
CREATE OR REPLACE FUNCTION chatter._check_record(model text, document bigint) RETURNS chatter.models
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    m chatter.models := chatter._model(model);
    present boolean;
BEGIN
    EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %s WHERE %I = $1)', m."table", m.key_column)
       INTO present USING document;
    IF NOT present THEN
        RAISE EXCEPTION '% #% not found', m.model, coalesce(document::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    RETURN m;
END
$$;

COMMIT;
