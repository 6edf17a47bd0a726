/**
 * An allocation to a thread raises the thread's own cap too. `POST /tokens/allocate` moves tokens
 * into the thread's budget row (token_budgets), but since the ledger enforces `threads.token_budget`
 * (20261127080100) a capped thread would still refuse the allocated tokens. The allocation row is
 * written once per allocation (a replay returns the first one), so raising the cap from its insert
 * counts every allocation exactly once. An uncapped thread (null) stays uncapped.
 */
create function private.raise_thread_cap_on_allocation() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.threads t set token_budget = t.token_budget + new.amount
  where t.id = new.to_scope_id and t.token_budget is not null;
  return null;
end;
$$;
revoke execute on function private.raise_thread_cap_on_allocation() from public, anon, authenticated;

create trigger token_allocations_raise_thread_cap after insert on public.token_allocations
  for each row
  when (new.to_scope_type = 'thread')
  execute function private.raise_thread_cap_on_allocation();
