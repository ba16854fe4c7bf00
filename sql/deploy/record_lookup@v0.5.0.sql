-- Deploy pgchatter:record_lookup to pg
-- requires: models

BEGIN;

-- The registration of a model, or CH003.
CREATE FUNCTION chatter._model(model text) RETURNS chatter.models
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    registration chatter.models;
BEGIN
    SELECT m.* INTO registration FROM chatter.models AS m WHERE m.model = _model.model;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model % is not registered', pg_catalog.quote_literal(coalesce(_model.model, 'NULL'))
            USING ERRCODE = 'CH003', HINT = 'opt the table in with chatter.enable()';
    END IF;
    RETURN registration;
END
$$;
COMMENT ON FUNCTION chatter._model(text) IS 'Registration of a model; CH003 when it is not registered';

-- Raises CH003 unless the model is registered and the record exists; returns the registration.
CREATE FUNCTION chatter._check_record(model text, document bigint) RETURNS chatter.models
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
COMMENT ON FUNCTION chatter._check_record(text, bigint) IS 'CH003 unless model is registered and the record exists';

REVOKE EXECUTE ON FUNCTION chatter._model(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._check_record(text, bigint) FROM PUBLIC;

COMMIT;
