/**
 * Staff roles and human review: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/**
 * Whether the signed-in person (never an API key) holds `p_role`: `reviewer` is held by reviewers
 * and admins, `admin` by admins only.
 */
create function private.has_staff_role(p_role text)
 returns boolean
 language sql
 stable security definer
 set search_path to ''
as $$
  select not private.is_api_key_request()
    and exists (select 1 from private.staff_roles s
                where s.user_id = (select auth.uid())
                  and (s.role = p_role or s.role = 'admin'))
$$;
grant execute on function private.has_staff_role(p_role text) to authenticated, service_role;

/**
 * The runs the signed-in reviewer may decide now: held for review, hold still open, asked by another
 * user. Refuses anyone who is not a reviewer (or admin), and API keys.
 */
create function private.pending_reviews()
 returns table(execution_id uuid, intent_text text, task_type text, agent_id uuid, agent_slug text, agent_name text, tokens_reserved integer, requested_at timestamptz, expires_at timestamptz, requester_name text, dataspace_name text)
 language plpgsql
 stable security definer
 set search_path to ''
as $$
begin
  if not private.has_staff_role('reviewer') then
    raise exception 'only reviewers see the runs held for review' using errcode = '42501';
  end if;
  return query
  select e.id, e.intent_text, e.task_type, a.id, a.slug, a.name, e.tokens_reserved,
         (e.review ->> 'requested_at')::timestamptz, (e.review ->> 'expires_at')::timestamptz, i.name, d.name
  from public.agent_executions e
  join public.agents a on a.id = e.agent_id
  join public.identities i on i.id = coalesce(e.runner_identity_id, e.identity_id)
  join public.dataspaces d on d.id = e.dataspace_id
  join public.token_reservations r on r.id = e.reservation_id and r.status = 'open'
  where e.status = 'awaiting_review' and e.user_id <> (select auth.uid())
  order by e.created_at, e.id
  limit 200;
end;
$$;
grant execute on function private.pending_reviews() to authenticated, service_role;

/**
 * The runner asks to stop a run the active identity ran (API: `POST /agents/executions/{id}/cancel`).
 * A run still held for review ends at once (hold and lock released, `cancelled`); a running one is
 * flagged and the pipeline stops it at its next streamed chunk. Returns the run's status after the
 * call, or raises P0002 when the active identity has no such run still going.
 */
create function private.request_run_cancel(p_execution uuid)
 returns text
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  run public.agent_executions;
begin
  if private.is_api_key_request() then
    raise exception 'API keys cannot stop runs' using errcode = '42501';
  end if;
  select e.* into run from public.agent_executions e
  where e.id = p_execution and e.runner_identity_id = private.active_identity_id() for update;
  if not found or run.status in ('succeeded', 'failed', 'refused', 'rejected', 'cancelled') then
    raise exception 'no run % of this identity is still going', p_execution using errcode = 'P0002';
  end if;
  if run.status = 'awaiting_review' then
    perform private.ledger_release(run.reservation_id, run.idempotency_key || ':release');
    perform private.scope_lock_release((run.review ->> 'lock_id')::uuid);
    update public.agent_executions e
    set status = 'cancelled', finished_at = now(), cancel_requested_at = now(),
        review = e.review || '{"state": "cancelled"}',
        error = '{"code": "cancelled", "message": "stopped by the person who asked for it"}'
    where e.id = run.id;
    perform private.audit(run.runner_identity_id, 'pipeline.cancelled', 'agent_execution', run.id,
                          '{"while": "awaiting_review"}');
    return 'cancelled';
  end if;
  update public.agent_executions e set cancel_requested_at = coalesce(e.cancel_requested_at, now()) where e.id = run.id;
  perform private.audit(run.runner_identity_id, 'pipeline.cancel_requested', 'agent_execution', run.id, '{}'::jsonb);
  return run.status;
end;
$$;
grant execute on function private.request_run_cancel(p_execution uuid) to authenticated, service_role;

/**
 * A reviewer's decision on a held run (`approve` or `reject`, with an optional note), in the
 * reviewer's own transaction. Anyone who is not a reviewer (and any API key) is answered as for a run
 * that does not exist (P0002), so the door tells them nothing about other people's runs; a reviewer
 * is refused the runs they asked for themselves (42501) and a run not awaiting review (P0002:
 * unknown, or decided already). When the hold
 * has lapsed meanwhile, the run fails as `review_expired` instead. Approval marks the run `approved`
 * (the API then runs it); rejection releases the hold and the lock and ends the run `rejected`.
 * Returns `{state, execution_id}`.
 */
create function private.review_execution(p_execution uuid, p_decision text, p_note text default null::text)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  run public.agent_executions;
  reviewer uuid := (select auth.uid());
  reviewer_identity uuid := private.active_identity_id();
  hold_open boolean;
  decided jsonb;
  runner uuid;
begin
  if p_decision is null or p_decision not in ('approve', 'reject') then
    raise exception 'a review decision is approve or reject' using errcode = '22023';
  end if;
  if p_note is not null and length(p_note) > 2000 then
    raise exception 'a review note has at most 2000 characters' using errcode = '22023';
  end if;
  if not private.has_staff_role('reviewer') then
    raise exception 'no run % is awaiting your review', p_execution using errcode = 'P0002';
  end if;
  select e.* into run from public.agent_executions e where e.id = p_execution for update;
  if not found or run.status <> 'awaiting_review' then
    raise exception 'no run % is awaiting review', p_execution using errcode = 'P0002';
  end if;
  if run.user_id = reviewer then
    raise exception 'a run is never reviewed by the person who asked for it' using errcode = '42501';
  end if;
  -- the run's trail is its runner's (the rows may be a shared dataspace owner's)
  runner := coalesce(run.runner_identity_id, run.identity_id);
  decided := jsonb_build_object('reviewer_user_id', reviewer, 'reviewer_identity_id', reviewer_identity,
                                'decided_at', now(), 'note', p_note);
  select r.status = 'open' into hold_open from public.token_reservations r where r.id = run.reservation_id;
  if not coalesce(hold_open, false) then
    perform private.scope_lock_release((run.review ->> 'lock_id')::uuid);
    update public.agent_executions e
    set status = 'failed', finished_at = now(), review = e.review || decided || '{"state": "expired"}',
        error = jsonb_build_object('code', 'review_expired',
                                   'message', 'the review window ended; the tokens were returned')
    where e.id = run.id;
    perform private.audit(runner, 'pipeline.review.expired', 'agent_execution', run.id, decided);
    return jsonb_build_object('state', 'expired', 'execution_id', run.id);
  end if;
  if p_decision = 'approve' then
    update public.agent_executions e set status = 'approved', review = e.review || decided || '{"state": "approved"}'
    where e.id = run.id;
  else
    perform private.ledger_release(run.reservation_id, run.idempotency_key || ':release');
    perform private.scope_lock_release((run.review ->> 'lock_id')::uuid);
    update public.agent_executions e
    set status = 'rejected', finished_at = now(), review = e.review || decided || '{"state": "rejected"}',
        error = jsonb_build_object('code', 'review_rejected',
                                   'message', coalesce('rejected by a reviewer: ' || p_note, 'rejected by a reviewer'))
    where e.id = run.id;
  end if;
  perform private.audit(runner, 'pipeline.review.' || p_decision || 'd', 'agent_execution', run.id, decided);
  if reviewer_identity is not null then
    perform private.audit(reviewer_identity, 'review.' || p_decision || 'd', 'agent_execution', run.id,
                          jsonb_build_object('note', p_note));
  end if;
  insert into public.notifications (identity_id, user_id, kind, title, body, data)
  values (runner, run.user_id, 'review.decided',
          case p_decision when 'approve' then 'Exécution approuvée' else 'Exécution refusée' end,
          coalesce(p_note, ''), jsonb_build_object('execution_id', run.id, 'decision', p_decision));
  return jsonb_build_object('state', case p_decision when 'approve' then 'approved' else 'rejected' end,
                            'execution_id', run.id);
end;
$$;
grant execute on function private.review_execution(p_execution uuid, p_decision text, p_note text) to authenticated, service_role;

/**
 * Grants (or, with `p_role` null, revokes) a staff role of the user with `p_email`, on behalf of
 * `p_by` (who ran the command), and audits it on the user's default identity. Service/owner only.
 */
create function private.set_staff_role(p_email text, p_role text, p_by text)
 returns uuid
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  uid uuid;
  ident uuid;
begin
  select u.id into uid from public.users u where lower(u.email) = lower(p_email);
  if not found then
    raise exception 'no user with email %', p_email using errcode = 'P0002';
  end if;
  if p_role is null then
    delete from private.staff_roles s where s.user_id = uid;
  else
    insert into private.staff_roles (user_id, role, granted_by) values (uid, p_role, p_by)
    on conflict (user_id) do update set role = excluded.role, granted_at = now(), granted_by = excluded.granted_by;
  end if;
  select i.id into ident from public.identities i where i.user_id = uid order by i.is_default desc, i.created_at limit 1;
  if ident is not null then
    perform private.audit(ident, case when p_role is null then 'staff.revoked' else 'staff.granted' end, 'user', uid,
                          jsonb_build_object('role', p_role, 'by', p_by));
  end if;
  return uid;
end;
$$;
grant execute on function private.set_staff_role(p_email text, p_role text, p_by text) to service_role;
