import type { Sql, TransactionSql } from 'postgres';

/**
 * Checks the ledger's invariants over the whole database and returns one line per violation
 * (empty when the ledger is sound): every movement's balance postings sum to zero; every account's
 * balance and hold equal the sums of its postings; an identity's hold equals its open reservations
 * and never exceeds its balance, nothing is negative; all balances sum to zero; every budget's hold
 * equals the open reservations charged to it, whoever pays them (a member's run holds a shared
 * dataspace's budget: issue 14), and every thread's hold the open reservations for it; every
 * reservation was resolved at most once.
 */
export async function ledgerViolations(
  sql: Sql | TransactionSql,
  /** Limits the budget and settlement checks to these identities (the seed's history predates them). */
  identities: string[] | null = null,
): Promise<string[]> {
  const rows = await sql<{ problem: string }[]>`
    select 'movement ' || movement_id || ' postings sum to ' || sum(amount) as problem
    from public.token_transactions where type in ('credit', 'debit', 'transfer')
    group by movement_id having sum(amount) <> 0
    union all
    select 'account ' || a.id || ' balance ' || a.balance || ' / reserved ' || a.reserved
           || ' differ from its postings ' || p.bal || ' / ' || p.res
    from public.token_accounts a
    cross join lateral (
      select coalesce(sum(t.amount) filter (where t.type in ('credit', 'debit', 'transfer')), 0) as bal,
             coalesce(sum(t.amount) filter (where t.type in ('reserve', 'release')), 0) as res
      from public.token_transactions t where t.account_id = a.id) p
    where a.balance <> p.bal or a.reserved <> p.res
    union all
    select 'account ' || a.id || ' holds ' || a.reserved || ' but its open reservations hold ' || o.held
    from public.token_accounts a
    cross join lateral (select coalesce(sum(r.amount), 0) as held from public.token_reservations r
                        where r.account_id = a.id and r.status = 'open') o
    where a.reserved <> o.held
    union all
    select 'account ' || a.id || ' is negative or over-held: balance ' || a.balance || ', reserved ' || a.reserved
    from public.token_accounts a
    where a.kind = 'identity' and (a.balance < 0 or a.reserved < 0 or a.reserved > a.balance)
    union all
    select 'all balances sum to ' || sum(balance) from public.token_accounts having sum(balance) <> 0
    union all
    select 'budget ' || b.id || ' holds ' || b.reserved || ' but open reservations charged to it hold ' || o.held
    from public.token_budgets b
    cross join lateral (
      select coalesce(sum(r.amount), 0) as held from public.token_reservations r
      where r.status = 'open'
        and coalesce(r.budget_scopes -> 'budget_ids', '[]'::jsonb) ? b.id::text) o
    where b.reserved <> o.held and (${identities}::uuid[] is null or b.identity_id = any(${identities}::uuid[]))
    union all
    select 'budget ' || b.id || ' is over its amount: ' || (b.spent + b.reserved) || ' of ' || b.amount
    from public.token_budgets b where b.period <> 'unlimited' and b.spent + b.reserved > b.amount
    union all
    select 'thread ' || t.id || ' holds ' || t.tokens_reserved || ' but its open reservations hold ' || coalesce(o.held, 0)
    from public.threads t
    left join (
      select coalesce(case when r.reference_type = 'thread' then r.reference_id end,
                      (r.budget_scopes ->> 'thread')::uuid) as thread_id, sum(r.amount) as held
      from public.token_reservations r where r.status = 'open' group by 1) o on o.thread_id = t.id
    where t.tokens_reserved <> coalesce(o.held, 0)
    union all
    select 'reservation ' || r.id || ' (' || r.status || ') was settled ' || n.settled || ' times'
    from public.token_reservations r
    cross join lateral (
      select count(*) as settled from public.audit_log l
      where l.entity_type = 'token_reservation' and l.entity_id = r.id
        and l.action in ('ledger.commit', 'ledger.release', 'ledger.expire')) n
    where (${identities}::uuid[] is null or r.identity_id = any(${identities}::uuid[]))
      and n.settled <> case when r.status = 'open' then 0 else 1 end`;
  return rows.map((r) => r.problem);
}
