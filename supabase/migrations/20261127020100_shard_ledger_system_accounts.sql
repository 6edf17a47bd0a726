/**
 * Sharded system accounts. Every debit and commit credits the provider account and every grant
 * debits the mint: with one row per kind, that row's lock is held by each spending transaction
 * until it commits (WAL flush included), so all spending in the system ran one at a time whatever
 * account it came from (measured by `npm run bench:ledger`: single-phase debits across 50 accounts
 * were no faster than on one hot account). A system kind is now N rows (`shard` 0..N-1), each a
 * normal double-entry account whose balance is the sum of its own postings; a writer takes the
 * first shard no other transaction holds (`for update skip locked`), so concurrent spenders never
 * queue on a system row. The kind's balance is the sum of its shards (private.ledger_system_balance).
 * Append-only postings with a derived system balance were the alternative; shards keep
 * `balance_after` exact and every existing invariant check unchanged.
 */
alter table public.token_accounts
  add column shard smallint not null default 0 check (shard between 0 and 255),
  add constraint token_accounts_shard_only_for_system check (kind <> 'identity' or shard = 0);
drop index public.token_accounts_one_per_system_kind;
create unique index token_accounts_system_kind_shard_idx on public.token_accounts (kind, shard)
  where kind <> 'identity';

/**
 * Applies `p_delta` to one shard of a system account and returns the updated row: the first shard
 * (in shard order) no other transaction holds, so an uncontended caller always gets shard 0; when
 * every shard is held, it waits for the one its backend maps to. Always the last lock a ledger
 * function takes, so waiting here cannot deadlock with the other writers.
 */
create or replace function private.ledger_touch_system(p_kind text, p_delta bigint) returns public.token_accounts
language plpgsql security definer
set search_path = ''
as $$
declare
  acc public.token_accounts;
  n integer;
begin
  update public.token_accounts a
  set balance = a.balance + p_delta,
      lifetime_earned = a.lifetime_earned + greatest(p_delta, 0),
      lifetime_spent = a.lifetime_spent + greatest(-p_delta, 0)
  where a.id = (select s.id from public.token_accounts s
                where s.kind = p_kind and s.kind <> 'identity'
                order by s.shard
                limit 1
                for update skip locked)
  returning a.* into acc;
  if found then
    return acc;
  end if;
  select count(*) into n from public.token_accounts s where s.kind = p_kind and s.kind <> 'identity';
  if n = 0 then
    raise exception 'system account % is missing', p_kind using errcode = 'P0002';
  end if;
  update public.token_accounts a
  set balance = a.balance + p_delta,
      lifetime_earned = a.lifetime_earned + greatest(p_delta, 0),
      lifetime_spent = a.lifetime_spent + greatest(-p_delta, 0)
  where a.id = (select s.id from public.token_accounts s
                where s.kind = p_kind and s.kind <> 'identity'
                order by s.shard offset pg_backend_pid() % n limit 1)
  returning a.* into acc;
  return acc;
end;
$$;

/** A system kind's balance: the sum of its shards. */
create function private.ledger_system_balance(p_kind text) returns bigint
language sql stable security definer
set search_path = ''
as $$
  select coalesce(sum(a.balance), 0)::bigint from public.token_accounts a
  where a.kind = p_kind and a.kind <> 'identity'
$$;

/**
 * Creates the missing shards 0..p_shards-1 of both system kinds (new shards start at zero, which
 * equals the sum of their postings). Run by the server at start, after the seed.
 */
create function private.ledger_ensure_system_shards(p_shards integer) returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  if p_shards is null or p_shards < 1 or p_shards > 256 then
    raise exception 'system shards must be between 1 and 256, got %', p_shards using errcode = '22023';
  end if;
  insert into public.token_accounts (kind, shard)
  select k.kind, s.shard
  from (values ('system_mint'), ('system_provider')) k (kind), generate_series(0, p_shards - 1) s (shard)
  -- existing shards are skipped before the insert: a shard another transaction is updating would
  -- otherwise make the conflict check wait for it
  where not exists (select 1 from public.token_accounts a where a.kind = k.kind and a.shard = s.shard
                    and a.kind <> 'identity')
  on conflict (kind, shard) where kind <> 'identity' do nothing;
end;
$$;

/** Kept for callers of the first version: the default number of shards. */
create or replace function private.ledger_ensure_system_accounts() returns void
language sql security definer
set search_path = ''
as $$
  select private.ledger_ensure_system_shards(16)
$$;

revoke execute on function
  private.ledger_system_balance(text),
  private.ledger_ensure_system_shards(integer)
from public, anon, authenticated;
grant execute on function
  private.ledger_system_balance(text),
  private.ledger_ensure_system_shards(integer)
to service_role;
