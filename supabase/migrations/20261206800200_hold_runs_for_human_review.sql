/**
 * Governance that gates: a run whose compatibility entry says `human_review` stops after its
 * reservation and scope lock and waits, status `awaiting_review`, until a reviewer of the deployment
 * (private.staff_roles) approves it (the run then executes, settles and writes as any run) or rejects
 * it (the hold and the lock are released, nothing is written). The hold is kept meanwhile: its
 * expiry is pushed to the end of the review window, after which the ledger's sweeper voids it and
 * the review can no longer approve it. A run is never reviewed by the user who asked for it, nor
 * through an API key. Every step is audited on the run's chain and on the reviewer's.
 *
 * The same migration lets a run be stopped while it runs (`cancel_requested_at`, read by the
 * pipeline between streamed chunks; status `cancelled`, hold released, nothing written) and gives the
 * streamed text of a running agent a way to the rooms: private.pipeline_stream appends it to the
 * realtime outbox (migration 20261127070000) on the run's dataspace and identity keys.
 */

alter table public.agent_executions drop constraint agent_executions_status_check;
alter table public.agent_executions add constraint agent_executions_status_check
  check (status in ('pending', 'encoding', 'validating', 'estimating', 'reserved', 'locked', 'matched',
                    'awaiting_review', 'approved', 'running', 'assembling', 'settling', 'succeeded', 'failed',
                    'refused', 'rejected', 'cancelled'));
alter table public.agent_executions add constraint agent_executions_ended_check
  check (status not in ('rejected', 'cancelled') or finished_at is not null);
-- the review's state: {state, requested_at, expires_at, lock_id, input, reviewer_user_id,
-- reviewer_identity_id, decided_at, note}; written by the functions below only
alter table public.agent_executions add column review jsonb check (review is null or jsonb_typeof(review) = 'object');
alter table public.agent_executions add column cancel_requested_at timestamptz;
create index agent_executions_awaiting_review_idx on public.agent_executions (created_at)
  where status = 'awaiting_review';

/**
 * Holds an opened run for review (service role, in the run's opening transaction; `p_identity` is
 * the runner, as in the pipeline's phase functions since 20261206500400): keeps its scope
 * lock and reservation, pushes the hold's expiry to the end of the review window, records the
 * agent's input (`p_input`) so approval runs exactly what was reviewed, audits the stages, and tells
 * every reviewer (a notification on their default identity, live in their presence room).
 */
create function private.pipeline_await_review(
  p_identity uuid, p_execution uuid, p_lock uuid, p_agent uuid, p_reservation uuid, p_reserved bigint,
  p_window_seconds integer, p_stages jsonb, p_input jsonb
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  until timestamptz := now() + make_interval(secs => p_window_seconds);
  run public.agent_executions;
begin
  update public.token_reservations r set expires_at = greatest(r.expires_at, until)
  where r.id = p_reservation and r.status = 'open';
  update public.agent_executions e
  set status = 'awaiting_review', agent_id = p_agent, reservation_id = p_reservation, tokens_reserved = p_reserved,
      stages = p_stages,
      review = jsonb_build_object('state', 'pending', 'requested_at', now(), 'expires_at', until, 'lock_id', p_lock,
                                  'input', p_input)
  where e.id = p_execution and e.runner_identity_id = p_identity
  returning * into run;
  perform private.pipeline_audit_stages(p_identity, p_execution, p_stages);
  perform private.audit(p_identity, 'pipeline.awaiting_review', 'agent_execution', p_execution,
                        jsonb_build_object('reservation_id', p_reservation, 'tokens', p_reserved, 'until', until));
  insert into public.notifications (identity_id, user_id, kind, title, body, data)
  select i.id, i.user_id, 'review.requested', 'Un agent attend votre revue',
         left(run.intent_text, 4000), jsonb_build_object('execution_id', p_execution)
  from private.staff_roles s
  join lateral (select i.* from public.identities i where i.user_id = s.user_id
                order by i.is_default desc, i.created_at limit 1) i on true
  where s.user_id <> run.user_id;
  return jsonb_build_object('execution_id', p_execution, 'until', until);
end;
$$;

/**
 * The runs the signed-in reviewer may decide now: held for review, hold still open, asked by another
 * user. Refuses anyone who is not a reviewer (or admin), and API keys.
 */
create function private.pending_reviews() returns table (
  execution_id uuid, intent_text text, task_type text, agent_id uuid, agent_slug text, agent_name text,
  tokens_reserved integer, requested_at timestamptz, expires_at timestamptz, requester_name text,
  dataspace_name text
)
language plpgsql stable security definer
set search_path = ''
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
create function private.review_execution(p_execution uuid, p_decision text, p_note text default null)
returns jsonb
language plpgsql security definer
set search_path = ''
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

/**
 * Takes an approved run for execution (service role): `running` once, so two callers never both run
 * it. Returns the run row and its review, or null when it is not approved (anymore).
 */
create function private.pipeline_resume(p_execution uuid) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  run public.agent_executions;
begin
  update public.agent_executions e set status = 'running'
  where e.id = p_execution and e.status = 'approved'
  returning * into run;
  if not found then
    return null;
  end if;
  return to_jsonb(run);
end;
$$;

/**
 * The runner asks to stop a run the active identity ran (API: `POST /agents/executions/{id}/cancel`).
 * A run still held for review ends at once (hold and lock released, `cancelled`); a running one is
 * flagged and the pipeline stops it at its next streamed chunk. Returns the run's status after the
 * call, or raises P0002 when the active identity has no such run still going.
 */
create function private.request_run_cancel(p_execution uuid) returns text
language plpgsql security definer
set search_path = ''
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

/**
 * Streams a running agent's text to the rooms (service role): appends chunk `p_seq` of run
 * `p_execution` (`p_delta`, or the end of the stream with `p_done`) to the realtime outbox on its
 * dataspace, thread and identity keys. Nothing is stored: the thread gets the text when the run
 * settles. Returns whether the runner asked to stop the run.
 */
create function private.pipeline_stream(p_execution uuid, p_seq integer, p_delta text, p_done boolean,
                                        p_meta jsonb default '{}'::jsonb)
returns boolean
language plpgsql security definer
set search_path = ''
as $$
declare
  run public.agent_executions;
begin
  select e.* into run from public.agent_executions e where e.id = p_execution;
  if not found then
    return true;
  end if;
  insert into private.realtime_outbox (payload)
  values (jsonb_build_object(
    'table', 'agent_stream', 'op', 'UPDATE', 'id', run.id, 'identityId', run.identity_id,
    'keys', to_jsonb(array_remove(array['dataspace:' || run.dataspace_id,
                                        case when run.thread_id is not null then 'thread:' || run.thread_id end,
                                        'identity:' || coalesce(run.runner_identity_id, run.identity_id)], null)),
    'data', jsonb_build_object('threadId', run.thread_id, 'dataspaceId', run.dataspace_id, 'seq', p_seq,
                               'delta', left(coalesce(p_delta, ''), 3000), 'done', p_done)
            || coalesce(p_meta, '{}'::jsonb))::text);
  return run.cancel_requested_at is not null;
end;
$$;

revoke all on function
  private.pipeline_await_review(uuid, uuid, uuid, uuid, uuid, bigint, integer, jsonb, jsonb),
  private.pending_reviews(),
  private.review_execution(uuid, text, text),
  private.pipeline_resume(uuid),
  private.request_run_cancel(uuid),
  private.pipeline_stream(uuid, integer, text, boolean, jsonb)
from public, anon;
revoke all on function
  private.pipeline_await_review(uuid, uuid, uuid, uuid, uuid, bigint, integer, jsonb, jsonb),
  private.pipeline_resume(uuid),
  private.pipeline_stream(uuid, integer, text, boolean, jsonb)
from authenticated;
grant execute on function
  private.pending_reviews(),
  private.review_execution(uuid, text, text),
  private.request_run_cancel(uuid)
to authenticated;
grant execute on function
  private.pipeline_await_review(uuid, uuid, uuid, uuid, uuid, bigint, integer, jsonb, jsonb),
  private.pending_reviews(),
  private.review_execution(uuid, text, text),
  private.pipeline_resume(uuid),
  private.request_run_cancel(uuid),
  private.pipeline_stream(uuid, integer, text, boolean, jsonb)
to service_role;
