-- Verify pgchatter:tracking_values on pg

BEGIN;

SELECT tracking_values FROM chatter.messages WHERE false;
SELECT tracking_storage FROM chatter.models WHERE false;
SELECT 'chatter.track_storage(regclass, text)'::regprocedure;
-- The renderer gives the stored jsonb when there is one, else the typed values as that jsonb, in slot
-- order, NULL slots skipped; and chatter.tracking_read fills a row's tracking column with it.
SELECT 1 / (chatter.tracking_json('[{"field": "x"}]', NULL) = '[{"field": "x"}]'
            AND chatter.tracking_json(NULL, NULL) IS NULL
            AND chatter.tracking_json(NULL, ARRAY[NULL, ROW('stage', 'Stage <b>', '"new"', '"won"', 'New', 'Won'),
                                                  NULL, ROW('qty', 'Qty', '1', '2', '1', '2')]::chatter.tracking_value[])
                = '[{"field": "stage", "label": "Stage <b>", "old_value": "new", "new_value": "won",
                     "old_display": "New", "new_display": "Won"},
                    {"field": "qty", "label": "Qty", "old_value": 1, "new_value": 2,
                     "old_display": "1", "new_display": "2"}]'::jsonb)::integer;
SELECT 1 / ((chatter.tracking_read(pg_catalog.jsonb_populate_record(NULL::chatter.messages,
                '{"id": 1, "tracking_values": [{"field": "qty", "label": "Qty", "old_value": 1, "new_value": 2,
                                                "old_display": "1", "new_display": "2"}]}'))).tracking
            = '[{"field": "qty", "label": "Qty", "old_value": 1, "new_value": 2, "old_display": "1", "new_display": "2"}]')::integer;

ROLLBACK;
