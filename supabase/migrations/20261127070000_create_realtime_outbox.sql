/**
 * Realtime notifications leave the writers' commit path. `pg_notify` in a transaction makes its
 * COMMIT take a database-wide lock that is held until the commit record is flushed, so every
 * notifying transaction committed one after another: `npm run bench:ledger` showed the ledger's
 * writers (each balance change notifies) waiting on that lock most of the time (single-phase
 * debits 756 ops/s with the trigger, 1,143 without).
 *
 * The triggers now append the same payload to an outbox, and a relay publishes the outbox on the
 * same `chenu_realtime` channel in batches (server/realtime/notifyBridge.ts runs it every few tens
 * of milliseconds in each realtime process; `for update skip locked` lets several processes share
 * the work, and every LISTENing process still receives every event). The outbox is unlogged: an
 * event is a hint that something changed, never the data itself (clients read rows through the
 * API), so after a crash the lost hints cost nothing but a refresh, while appending to it writes no
 * WAL. Payloads, routing keys and channel are unchanged.
 */

create unlogged table private.realtime_outbox (
  id bigint generated always as identity primary key,
  payload text not null check (octet_length(payload) < 8000)
);
alter table private.realtime_outbox enable row level security;
revoke all on table private.realtime_outbox from public, anon, authenticated;

/** Builds the notification for one row change and appends it to the outbox. */
create or replace function private.notify_realtime() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  rec record := case when tg_op = 'DELETE' then old else new end;
  keys text[] := '{}';
  data jsonb := '{}'::jsonb;
  ds uuid;
  owner uuid := null;
begin
  case tg_table_name
    when 'messages', 'decisions' then
      select t.dataspace_id into ds from public.threads t where t.id = rec.thread_id;
      owner := rec.identity_id;
      keys := array['thread:' || rec.thread_id, 'dataspace:' || ds, 'identity:' || rec.identity_id];
      data := jsonb_build_object('threadId', rec.thread_id, 'dataspaceId', ds);
    when 'meeting_tasks' then
      select m.dataspace_id into ds from public.meetings m where m.id = rec.meeting_id;
      owner := rec.identity_id;
      keys := array['meeting:' || rec.meeting_id, 'dataspace:' || ds];
      data := jsonb_build_object('meetingId', rec.meeting_id, 'title', left(rec.title, 200),
                                 'status', rec.status);
    when 'notifications' then
      owner := rec.identity_id;
      keys := array['identity:' || rec.identity_id];
      data := jsonb_build_object('kind', rec.kind, 'title', left(rec.title, 200));
    when 'token_accounts' then
      if rec.identity_id is null then
        return null; -- system accounts have no room
      end if;
      owner := rec.identity_id;
      keys := array['identity:' || rec.identity_id];
      data := jsonb_build_object('balance', rec.balance, 'reserved', rec.reserved);
    else
      raise exception 'notify_realtime: no routing for table %', tg_table_name;
  end case;
  insert into private.realtime_outbox (payload)
  values (jsonb_build_object(
    'table', tg_table_name, 'op', tg_op, 'id', rec.id, 'identityId', owner,
    'keys', to_jsonb(array_remove(keys, null)), 'data', data)::text);
  return null;
end;
$$;

/**
 * Publishes up to `p_limit` outbox entries, oldest first, on `chenu_realtime` in one transaction
 * and removes them; returns how many. Entries another relay is publishing are skipped.
 */
create function private.realtime_relay(p_limit integer default 500) returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  entry record;
  sent integer := 0;
begin
  if p_limit is null or p_limit < 1 then
    raise exception 'relay limit must be positive' using errcode = '22023';
  end if;
  for entry in
    with batch as (
      delete from private.realtime_outbox o
      where o.id in (select b.id from private.realtime_outbox b order by b.id limit p_limit for update skip locked)
      returning o.id, o.payload
    )
    select batch.payload from batch order by batch.id
  loop
    perform pg_notify('chenu_realtime', entry.payload);
    sent := sent + 1;
  end loop;
  return sent;
end;
$$;

revoke execute on function private.realtime_relay(integer) from public, anon, authenticated;
