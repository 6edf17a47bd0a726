/**
 * A charge reads its budgets once. private.ledger_charge listed the applicable budgets
 * (private.ledger_budget_ids), then read and locked them again by id through
 * public.token_budgets_now, and built the returned ids from the locked rows a third time; under
 * 20 connections (`npm run bench:ledger`) each debit visited the budgets' hot pages twice where the
 * ledger before the verdict function visited them once. The rule that says which budgets apply is
 * now a set of scopes (private.ledger_budget_scopes: each scope of the usage and the identity's
 * own, with whose budget of it applies), joined by both readers: private.ledger_budget_ids (the
 * estimate and the verdict, as the user under RLS) and the charge, which locks the joined rows in
 * the same statement that reads them.
 */

/**
 * The scopes whose budgets apply to new usage by `p_identity` in `p_scopes` (sphere, domain,
 * dataspace, thread; the identity's own always), and whose budget of each applies: `payer` is the
 * identity for the payer's own scopes, null for the place's scopes (a dataspace's or a thread's
 * budget applies whoever set it). Join a budget on scope type and id, and on `payer` when set.
 */
create function private.ledger_budget_scopes(p_identity uuid, p_scopes jsonb)
 returns table (scope_type text, scope_id uuid, payer uuid)
 language sql
 immutable
 set search_path to ''
as $$
  select s.key, s.value::uuid, case when s.key in ('dataspace', 'thread') then null else p_identity end
  from jsonb_each_text(coalesce(p_scopes, '{}') || jsonb_build_object('identity', p_identity)) s
$$;
grant execute on function private.ledger_budget_scopes(p_identity uuid, p_scopes jsonb) to authenticated, service_role;

/**
 * The budgets that apply to new usage by `p_identity` in `p_scopes`
 * (private.ledger_budget_scopes), as ids in the ledger's lock order. Security invoker: as a
 * signed-in user (the run estimate) RLS decides which budgets it sees. Restated from the baseline
 * (20261130020800) to join the scopes.
 */
create or replace function private.ledger_budget_ids(p_identity uuid, p_scopes jsonb)
 returns uuid[]
 language sql
 stable
 set search_path to ''
as $$
  select coalesce(array_agg(t.id order by t.id), '{}')
  from public.token_budgets t
  join private.ledger_budget_scopes(p_identity, p_scopes) s
    on t.scope_type = s.scope_type and t.scope_id = s.scope_id and t.identity_id = coalesce(s.payer, t.identity_id)
$$;

/**
 * Decides and charges new usage under the ledger's locks. The caller holds `p_identity`'s account
 * lock and passes its available balance; this reads and locks the applicable budgets in one
 * statement (private.ledger_budget_scopes, id order, through public.token_budgets_now) and the
 * thread whose cap applies, in the ledger's lock order (account, budgets, thread); asks
 * private.ledger_verdict about those rows and raises its refusal (private.ledger_refuse); then
 * charges `p_spend` spent and `p_hold` held to the budgets (in their current period: a calendar
 * period that began since the last charge starts from 0) and to the thread's counters. Null
 * `p_scopes`: the balance only, nothing charged (transfers, allocations). Returns the charged
 * budgets' ids. Restated from the baseline (20261130020800) to read the budgets once.
 */
create or replace function private.ledger_charge(p_identity uuid, p_available bigint, p_amount bigint, p_scopes jsonb, p_thread uuid, p_spend bigint, p_hold bigint)
 returns uuid[]
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  budgets private.ledger_budget[];
  ids uuid[] := '{}';
  verdict jsonb;
  thread_id uuid := coalesce(p_thread, (p_scopes ->> 'thread')::uuid);
begin
  if p_scopes is not null then
    select array_agg(row(l.id, l.scope_type, l.scope_id, l.period, l.amount, l.spent_now, l.reserved,
                         l.current_start, l.ended, l.period_end)::private.ledger_budget order by l.id),
           coalesce(array_agg(l.id order by l.id), '{}')
    into budgets, ids
    from (select t.id, t.scope_type, t.scope_id, t.period, t.amount, t.spent_now, t.reserved, t.current_start,
                 t.ended, t.period_end
          from public.token_budgets_now t
          join private.ledger_budget_scopes(p_identity, p_scopes) s
            on t.scope_type = s.scope_type and t.scope_id = s.scope_id
               and t.identity_id = coalesce(s.payer, t.identity_id)
          order by t.id
          for update of t) l;
    if thread_id is not null then
      -- the lock the thread's counter update takes (messages may still reference the thread)
      perform 1 from public.threads t where t.id = thread_id for no key update;
    end if;
  end if;
  verdict := private.ledger_verdict(p_identity, p_amount, p_scopes, p_thread, coalesce(budgets, '{}'), p_available);
  if verdict is not null then
    perform private.ledger_refuse(verdict);
  end if;
  if p_scopes is null then
    return ids;
  end if;
  if budgets is not null then
    update public.token_budgets t
    set spent = b.spent_now + p_spend, reserved = t.reserved + p_hold, period_start = b.current_start
    from unnest(budgets) b
    where t.id = b.id;
  end if;
  if thread_id is not null then
    perform private.ledger_charge_thread(thread_id, p_spend, p_hold);
  end if;
  return ids;
end;
$$;
