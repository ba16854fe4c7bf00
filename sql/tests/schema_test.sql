-- The schema as a whole: roles, error codes and the security rules every function follows.
BEGIN;
SELECT plan(12);

SELECT has_schema('chatter', 'schema chatter exists');
SELECT has_role('chatter_app', 'role chatter_app exists');
SELECT ok(NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'chatter_app'), 'chatter_app cannot log in');
SELECT schema_privs_are('chatter', 'chatter_app', ARRAY['USAGE'], 'chatter_app may use the schema, not create in it');

SELECT results_eq(
    'SELECT sqlstate, http_status FROM chatter.error_codes ORDER BY sqlstate',
    $$VALUES ('CH001', 422), ('CH002', 409), ('CH003', 404), ('CH004', 403), ('CH005', 422)$$,
    'the five SQLSTATEs of SPEC section 11 with their HTTP statuses'
);

-- Golden list: a new SECURITY DEFINER function must be reviewed and added here.
SELECT set_eq(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'chatter'::regnamespace AND p.prosecdef
         AND p.proname !~ '^track_[0-9]+$'  -- generated tracking triggers: checked in tracking_test.sql$$,
    ARRAY[
        -- chat: chatter_app reads channels, members and messages but writes them only through these
        'chatter._my_channel_ids()',
        'chatter.create_channel(text,chatter.channel_kind,bigint,bigint[],text)',
        'chatter.channel_join(bigint,bigint)',
        'chatter.channel_leave(bigint,bigint)',
        'chatter.channel_mute(bigint,bigint,boolean)',
        'chatter.channel_post(bigint,bigint,text)',
        'chatter.mark_read(bigint,bigint,bigint)',
        'chatter._channel_set_archived(bigint,boolean)',
        -- unread counts: row-level security would turn "id > marker" into a filter (see unread_counts.sql)
        'chatter.unread_count(bigint,bigint)',
        'chatter.unread_counts(bigint)',
        'chatter.get_or_create_dm(bigint,bigint)',
        -- activities: done writes a feed message; the ping writes realtime_events
        'chatter._activity_done(bigint,text)',
        'chatter._activities_ping()',
        -- tracking: DDL by any table owner regenerates the generated code owned by the schema owner
        'chatter._track_on_ddl()',
        'chatter._track_on_drop()',
        -- messages: chatter_app reads messages, followers and notifications but writes them only through
        -- these definer parts, each behind a SECURITY INVOKER wrapper and each redeeming a record voucher
        'chatter._subscribe(text,bigint,bigint[],text[])',
        'chatter._subscribe_channel(text,bigint,bigint,text[])',
        'chatter._unsubscribe(text,bigint,bigint[])',
        'chatter._create_message(text,text,bigint,chatter.message_type,text,bigint,bigint[],bigint[],boolean,boolean,text,bigint,text,text)',
        'chatter._log_message(text,bigint,text,bigint)',
        'chatter._notify(text,bigint,text,bigint[],text,bigint)',
        'chatter._add_attachment(text,bytea,text,text,bigint)',
        'chatter.mark_notifications_read(bigint[],bigint)',
        -- read past the policy on notifications, which asks whether the message is readable (recursion
        -- otherwise); it answers for the acting user only
        'chatter._notified(bigint)',
        -- limits (issue 18): triggers that read chatter.limits whoever writes; the sanitized-body store
        -- refuses anyone but the system
        'chatter._message_limits()',
        'chatter._recipient_limits()',
        'chatter._attachment_limits()',
        'chatter.store_body_html(bigint[],text[],text[])',
        -- the foreign key messages.subtype_id, replaced (issue 23): its actions ran as the table's owner
        'chatter._subtype_references()',
        -- messages that live (issue 21): edit and delete write what chatter_app cannot (others'
        -- notifications, files), each behind an invoker wrapper that vouches for the message's record; the
        -- reactions trigger reads chatter.limits and writes message_events for the relay
        'chatter._edit_message(bigint,text,text)',
        'chatter._delete_message(bigint)',
        'chatter._reactions_changed()',
        'chatter.channel_reply(bigint,bigint,text,bigint)',   -- as channel_post: sets parent_id
        -- search: the GIN index cannot serve a search under row-level security (@@ is not LEAKPROOF); ids
        -- in the acting user's own channels only, read again by search_messages under the policies
        'chatter._search_channel_hits(tsquery,bigint[],bigint,integer)',
        -- the mail gateway (issue 22): granted to chatter_mailgate only; they write mails, contacts,
        -- messages, notifications and followers for a sender who has no user
        'chatter.mailgate_accept(bytea,text,text[],jsonb,text,integer)',
        'chatter.mailgate_claim(text,integer,interval,integer)',
        'chatter.mailgate_post(bigint,text,text,text,text,text[],text[],bytea[],text[])',
        'chatter.mailgate_fail(bigint,text,text,boolean,integer)'
    ]::text[],
    'SECURITY DEFINER functions are exactly the reviewed ones'
);

-- SPEC 2a: a flaw in a definer function cannot become superuser.
SELECT ok(NOT (SELECT rolsuper OR rolcanlogin FROM pg_roles WHERE rolname = 'chatter_owner'),
    'chatter_owner is neither a superuser nor a login');
SELECT is_empty(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'chatter'::regnamespace AND p.prosecdef AND p.proowner <> 'chatter_owner'::regrole$$,
    'every SECURITY DEFINER function, the generated tracking ones included, is owned by chatter_owner');
SELECT is_empty(
    $$SELECT c.oid::regclass::text FROM pg_class c
       WHERE c.relnamespace = 'chatter'::regnamespace AND c.relowner <> 'chatter_owner'::regrole$$,
    'so is every table, view, index and sequence of chatter');

SELECT is_empty(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'chatter'::regnamespace AND p.prokind IN ('f', 'p')
         AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%')
         -- A SQL-standard body (BEGIN ATOMIC) is bound when created: no name in it is looked up at run
         -- time. chatter.message_wire_set has no SET clause so that the planner inlines it (issue 25).
         AND NOT (p.prosqlbody IS NOT NULL AND NOT p.prosecdef)$$,
    'every chatter function pins search_path (or has a SQL-standard body, bound when created)'
);

SELECT is_empty(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'chatter'::regnamespace
         AND has_function_privilege('public', p.oid, 'EXECUTE')$$,
    'no chatter function is executable by PUBLIC'
);

SELECT is_empty(
    $$SELECT c.relname FROM pg_class c
       WHERE c.relnamespace = 'chatter'::regnamespace AND c.relkind IN ('r', 'v', 'p')
         AND obj_description(c.oid, 'pg_class') IS NULL$$,
    'every chatter table and view has a comment'
);

SELECT * FROM finish();
ROLLBACK;
