-- chatter.message_wire: the one shape of a message on the wire (HTTP, catch-up, relay), as chatter_app.
BEGIN;
SELECT plan(4);

INSERT INTO chatter.contacts (id, name, email) VALUES (9601, 'Wire Writer', 'wire@example.invalid');
INSERT INTO chatter.users (id, contact_id, username) VALUES (661, 9601, 'wire_writer');
CREATE TABLE public.wire_orders (id int PRIMARY KEY, name text);
INSERT INTO public.wire_orders VALUES (1, 'W1');
GRANT SELECT ON public.wire_orders TO chatter_app;
SELECT chatter.enable('wire_orders');
SELECT chatter.track_column('wire_orders', 'name', true);

SET LOCAL ROLE chatter_app;
SET LOCAL chatter.user_id = '661';
SELECT chatter.add_attachment('a.txt', 'hi', 'text/plain', 'wire_orders', 1) AS file \gset
SELECT chatter.create_message('<b>hi</b>', subject => 'Hello', model => 'wire_orders', document => 1,
                              attachments => ARRAY[:file]::bigint[]) AS msg \gset

SELECT is((SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(
              (SELECT chatter.message_wire(m) FROM chatter.messages AS m WHERE m.id = :msg)) AS k),
          '{attachments,author,body,body_html,bounced,channel_id,created_at,deleted,document,edited,edited_at,from_email,id,message_type,model,parent,parent_id,reactions,starred,subject,subtype,tracking}'::text[],
          'the wire shape has exactly the API''s fields, and body_html for the bridge');
SELECT is((SELECT chatter.message_wire(m) - 'created_at' FROM chatter.messages AS m WHERE m.id = :msg),
          jsonb_build_object('id', :msg, 'message_type', 'Message', 'subtype', 'comment', 'model', 'wire_orders',
                             'document', 1, 'channel_id', NULL, 'subject', 'Hello', 'body', '<b>hi</b>',
                             'body_html', NULL, 'author', jsonb_build_object('id', 9601, 'name', 'Wire Writer'),
                             'from_email', NULL, 'parent_id', NULL, 'tracking', NULL,
                             'edited', false, 'edited_at', NULL, 'deleted', false, 'reactions', '[]'::jsonb,
                             'starred', false, 'parent', NULL, 'bounced', '[]'::jsonb,
                             'attachments', jsonb_build_array(jsonb_build_object('id', :file, 'name', 'a.txt',
                                                                                 'mimetype', 'text/plain', 'size', 2))),
          'a message with its author and its attachment');
SELECT ok((SELECT (chatter.message_wire(m) ->> 'created_at')::timestamptz = m.created_at FROM chatter.messages AS m
            WHERE m.id = :msg), 'created_at as an ISO timestamp');
RESET ROLE;
UPDATE public.wire_orders SET name = 'W2' WHERE id = 1;
SELECT is((SELECT chatter.message_wire(m) -> 'tracking' -> 0 ->> 'new_value' FROM chatter.messages AS m
            WHERE m.model = 'wire_orders' AND m.message_type = 'Tracking'), 'W2', 'a Tracking message carries its values');

SELECT * FROM finish();
ROLLBACK;
