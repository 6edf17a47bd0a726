/**
 * Why: the ledger spent about a third more time per debit than before the rules moved into
 * `private.ledger_verdict` and `private.ledger_budget_scopes` (`LEDGER_BENCH_AGAINST=<main before issue 18>
 * npm run bench:ledger`: 0.79x with one connection, 0.88x with twenty). The time was not in
 * executing these helpers but in planning them again on every call:
 * - `private.clock()` and `private.ledger_budget_scopes` are SQL functions with a `set` clause, so
 *   Postgres never inlines them and plans their body again in every statement that calls them
 *   (about 80 us for the clock, whose body reads pg_roles; every read of `token_budgets_now` calls it).
 *   As PL/pgSQL functions their plans are kept for the session. Same bodies, same results.
 * - `private.ledger_verdict` picks the refusing budget from the budgets it is handed, or else from
 *   `token_budgets_now`, in one statement with a branch per case. A custom plan drops the branch not
 *   taken, so it always looks cheaper than the generic plan, and PL/pgSQL's plan cache kept
 *   planning the statement again on each call (about 170 us). The generic plan decides the branch
 *   when it runs; `plan_cache_mode = force_generic_plan` keeps it.
 */

/**
 * The calendar clock of budget periods: `now()`, or the instant a superuser session pinned with
 * `set local chenu.clock` (see 20261130020100_create_clock.sql). PL/pgSQL so its plan is kept.
 */
create or replace function private.clock()
 returns timestamptz
 language plpgsql
 stable
 set search_path to ''
as $$
begin
  return case
    when coalesce(pg_catalog.current_setting('chenu.clock', true), '') = '' then pg_catalog.now()
    when (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = session_user)
      then pg_catalog.current_setting('chenu.clock', true)::timestamptz
    else pg_catalog.now()
  end;
end;
$$;

/**
 * The scopes whose budgets apply to new usage by `p_identity` in `p_scopes`, and whose budget of
 * each applies (see 20261207920100_lock_budgets_in_one_read.sql). PL/pgSQL so its plan is kept.
 */
create or replace function private.ledger_budget_scopes(p_identity uuid, p_scopes jsonb)
 returns table (scope_type text, scope_id uuid, payer uuid)
 language plpgsql
 immutable
 set search_path to ''
as $$
begin
  return query
    select s.key, s.value::uuid, case when s.key in ('dataspace', 'thread') then null else p_identity end
    from pg_catalog.jsonb_each_text(coalesce(p_scopes, '{}') || pg_catalog.jsonb_build_object('identity', p_identity)) s;
end;
$$;

alter function private.ledger_verdict(uuid, bigint, jsonb, uuid, private.ledger_budget[], bigint)
  set plan_cache_mode = force_generic_plan;
