/**
 * Creates the ledger's system accounts (mint and provider) when they are missing, so a database
 * without the seed (production, benchmarks) can issue and spend tokens. The seed inserts its own
 * with fixed ids; this never touches existing ones. The server calls it at start.
 */
create function private.ledger_ensure_system_accounts() returns void
language sql security definer
set search_path = ''
as $$
  insert into public.token_accounts (kind)
  select k.kind from (values ('system_mint'), ('system_provider')) k (kind)
  where not exists (select 1 from public.token_accounts a where a.kind = k.kind)
$$;
revoke execute on function private.ledger_ensure_system_accounts() from public, anon, authenticated;
grant execute on function private.ledger_ensure_system_accounts() to service_role;
