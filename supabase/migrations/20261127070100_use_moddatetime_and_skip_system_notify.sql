/**
 * Two triggers the ledger's write path fired on every balance change did no useful work in
 * plpgsql (`npm run bench:ledger`, profiled with LEDGER_BENCH_PROFILE=1):
 * - `updated_at` stamping: each call of the plpgsql `private.touch_updated_at` runs the function
 *   manager with its `set search_path` (a configuration push and pop per row). Supabase ships the C
 *   trigger `moddatetime` for exactly this; every touch trigger now uses it (same column, same
 *   value: now(), the transaction's time).
 * - the realtime trigger on token_accounts fired for system accounts only to return at once; its
 *   WHEN clause now skips them before any function is called.
 */

create extension if not exists moddatetime with schema extensions;

do $$
declare
  t record;
begin
  for t in
    select tg.tgname, c.relname
    from pg_trigger tg
    join pg_class c on c.oid = tg.tgrelid
    join pg_namespace n on n.oid = c.relnamespace
    where tg.tgfoid = 'private.touch_updated_at()'::regprocedure and n.nspname = 'public' and not tg.tgisinternal
  loop
    execute format('drop trigger %I on public.%I', t.tgname, t.relname);
    execute format(
      'create trigger %I before update on public.%I for each row execute function extensions.moddatetime(updated_at)',
      t.tgname, t.relname);
  end loop;
end;
$$;

drop trigger token_accounts_notify_realtime on public.token_accounts;
create trigger token_accounts_notify_realtime after update of balance, reserved on public.token_accounts
  for each row
  when (new.identity_id is not null)
  execute function private.notify_realtime();
