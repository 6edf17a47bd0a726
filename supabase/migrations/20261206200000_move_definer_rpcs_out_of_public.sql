/**
 * The security-definer RPCs leave the exposed schema. A hosted project's PostgREST serves every
 * function of `public` at `/rest/v1/rpc/<name>` to any signed-in user, and these run with their
 * owner's rights (Supabase's linter: 9 WARN `authenticated_security_definer_function_executable`).
 * The API (supabase/functions, server/) calls them in the user's own transaction (`withUser`), so
 * they stay executable by `authenticated`, in schema `private`, which PostgREST does not expose:
 * only our server code reaches them. `alter function ... set schema` keeps each function's body,
 * grants and oid. The security-invoker RPCs (memory corrections, Nova) stay in public: RLS rules
 * them whoever calls them.
 */
alter function public.request_elevation(text, uuid, text, text, interval) set schema private;
alter function public.decide_elevation(uuid, boolean) set schema private;
alter function public.revoke_elevation(uuid) set schema private;
alter function public.verify_my_audit_chain() set schema private;
alter function public.allocate_tokens(text, uuid, bigint, text) set schema private;
alter function public.chenu_import_thread(uuid, jsonb) set schema private;
alter function public.lock_scope(uuid, uuid, uuid) set schema private;
alter function public.release_scope_lock(uuid) set schema private;
alter function public.switch_identity(uuid) set schema private;
