/**
 * The calendar clock: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/**
 * The calendar clock of budget periods. Which daily, weekly or monthly period a budget is in
 * depends on the instant it is read at, so everything that decides a period reads
 * `private.clock()` instead of `now()`. In production it is `now()` (the transaction's start).
 * Tests pin it for one transaction with `set local chenu.clock = '<timestamptz>'` to stand on a
 * period boundary (23:59:59 on the last day of a month, the night of a DST change) or on the
 * instant the seed was loaded, instead of depending on the day the suite runs. The pin is honoured
 * only when the session's own login is a superuser: a client never runs `set`, and on a hosted
 * Supabase project no login of the API is a superuser, so there it is always `now()`.
 */
create function private.clock()
 returns timestamptz
 language sql
 stable
 set search_path to ''
as $$
  select case
    when coalesce(pg_catalog.current_setting('chenu.clock', true), '') = '' then pg_catalog.now()
    when (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = session_user)
      then pg_catalog.current_setting('chenu.clock', true)::timestamptz
    else pg_catalog.now()
  end
$$;
grant execute on function private.clock() to authenticated, service_role;

/**
 * `public.token_budgets_now` as in 20261127080000, reading the period in force from
 * `private.clock()`: the one place that decides a budget's current period (the ledger's budget
 * charge locks through this view, the budgets API, the run estimate and Nova read it).
 */
create view public.token_budgets_now with (security_invoker=true) as
 select b.id,
    b.identity_id,
    b.scope_type,
    b.scope_id,
    b.period,
    b.amount,
    b.spent,
    b.reserved,
    b.period_start,
    b.period_end,
    b.time_zone,
    b.created_at,
    b.updated_at,
    p.current_start,
        case
            when p.current_start > b.period_start then 0::bigint
            else b.spent
        end as spent_now,
    b.period = 'project'::text and p.at >= b.period_end as ended,
        case
            when b.period = 'unlimited'::text then null::bigint
            else greatest(b.amount - b.reserved -
            case
                when p.current_start > b.period_start then 0::bigint
                else b.spent
            end, 0::bigint)
        end as remaining
   from public.token_budgets b
     cross join lateral ( select private.clock() as at) c
     cross join lateral ( select c.at,
                case
                    when b.period = any (array['daily'::text, 'weekly'::text, 'monthly'::text]) then greatest(b.period_start, (date_trunc(
                    case b.period
                        when 'daily'::text then 'day'::text
                        when 'weekly'::text then 'week'::text
                        else 'month'::text
                    end, (c.at at time zone b.time_zone)) at time zone b.time_zone))
                    else b.period_start
                end as current_start) p;;
revoke all on table public.token_budgets_now from anon, authenticated;
grant select on table public.token_budgets_now to authenticated;
grant all on table public.token_budgets_now to service_role;
