import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbEventMessage } from '../../shared/protocol/spatialProtocol.ts';
import { NotifyBridge, REALTIME_CHANNEL } from '../../server/realtime/notifyBridge.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';
import { reloadFor } from '../../client/room/dbEvents.ts';
import { SEED, seedId } from '../helpers/personas.ts';

const db = useIsolatedDatabase('relay');
const received: string[] = [];
let sentinelSeen: (() => void) | undefined;
let unlisten: () => Promise<void>;

beforeAll(async () => {
  const meta = await db.sql().listen(REALTIME_CHANNEL, (payload) => {
    if (payload === 'sentinel') sentinelSeen?.();
    else received.push(payload);
  });
  unlisten = meta.unlisten;
});
afterAll(() => unlisten());

const outboxSize = async () =>
  (await db.sql()<{ n: number }[]>`select count(*)::int as n from private.realtime_outbox`)[0]!.n;

/**
 * Everything announced so far: notifications arrive in commit order, so once a sentinel notified
 * now has arrived, every earlier one has too.
 */
async function announced(): Promise<string[]> {
  const seen = new Promise<void>((resolve) => (sentinelSeen = resolve));
  await db.sql()`select pg_notify(${REALTIME_CHANNEL}, 'sentinel')`;
  await seen;
  return [...received];
}

describe('realtime outbox and relay', () => {
  it('queues a change without notifying in the writer’s transaction, then relays it in order', async () => {
    received.length = 0;
    await db.sql()`delete from private.realtime_outbox`;
    const sql = db.sql();
    await sql`update public.token_accounts set reserved = reserved where identity_id = ${SEED.a1}`;
    await sql`insert into public.notifications (identity_id, user_id, kind, title)
              values (${SEED.a1}, ${SEED.alice}, 'thread.mention', 'Relais')`;
    expect(await outboxSize()).toBe(2);
    // committed, but nothing announced before a relay runs
    expect(await announced()).toEqual([]);

    const [{ sent }] = (await sql`select private.realtime_relay(10) as sent`) as unknown as [
      { sent: number },
    ];
    expect(sent).toBe(2);
    expect(await outboxSize()).toBe(0);
    const events = (await announced()).map((p) => JSON.parse(p) as DbEventMessage & { keys: string[] });
    expect(events.map((e) => e.table)).toEqual(['token_accounts', 'notifications']);
    expect(events[0]).toMatchObject({ op: 'UPDATE', identityId: SEED.a1, keys: [`identity:${SEED.a1}`] });
    expect(events[1]!.data).toEqual({ kind: 'thread.mention', title: 'Relais' });
  });

  it('drops nothing when a writer rolls back, and publishes batch by batch', async () => {
    received.length = 0;
    const sql = db.sql();
    await sql
      .begin(async (tx) => {
        await tx`update public.token_accounts set reserved = reserved where identity_id = ${SEED.a1}`;
        throw new Error('rolled back on purpose');
      })
      .catch(() => {});
    expect(await outboxSize()).toBe(0);
    for (let i = 0; i < 5; i++) {
      await sql`insert into public.notifications (identity_id, user_id, kind, title)
                values (${SEED.b1}, ${SEED.bob}, 'thread.mention', ${`Lot ${i}`})`;
    }
    const bridge = new NotifyBridge(sql, () => {}, { batch: 2, intervalMs: 1_000 });
    expect(await bridge.relayOnce()).toBe(5);
    expect(await outboxSize()).toBe(0);
    const titles = (await announced()).map((p) => (JSON.parse(p) as DbEventMessage).data['title']);
    expect(titles).toEqual(['Lot 0', 'Lot 1', 'Lot 2', 'Lot 3', 'Lot 4']);
  });

  it('announces memory, workspace and panel changes on their dataspace, and the client knows what to reload', async () => {
    received.length = 0;
    const sql = db.sql();
    await sql`delete from private.realtime_outbox`;
    const dataspace = seedId('a1', '0003');
    const [memory] = await sql<{ id: string }[]>`
      insert into public.memory_items (identity_id, user_id, dataspace_id, source_type, kind, content)
      values (${SEED.a1}, ${SEED.alice}, ${dataspace}, 'user', 'note', 'En direct') returning id`;
    const [workspace] = await sql<{ id: string }[]>`
      insert into public.workspaces (identity_id, user_id, dataspace_id, name)
      values (${SEED.a1}, ${SEED.alice}, ${dataspace}, 'Live')
      returning id`;
    await sql`insert into public.panels (identity_id, workspace_id, kind, title)
              values (${SEED.a1}, ${workspace!.id}, 'notes', 'Panneau')`;
    // the workspace goes, its panel with it (cascade): one event for the workspace, none for the orphan
    await sql`delete from public.workspaces where id = ${workspace!.id}`;
    await sql`select private.realtime_relay()`;
    const announcedEvents = (await announced()).map(
      (p) => JSON.parse(p) as DbEventMessage & { keys: string[] },
    );
    // the deletion also tells the workspace's room that access may have ended (its own key, no data)
    const access = announcedEvents.filter((e) => e.keys.some((k) => k.startsWith('access:')));
    expect(access).toEqual([
      {
        table: 'workspaces',
        op: 'DELETE',
        id: workspace!.id,
        identityId: null,
        keys: [`access:workspace:${workspace!.id}`],
        data: {},
      },
    ]);
    const events = announcedEvents.filter((e) => !access.includes(e));
    expect(events.map((e) => `${e.table} ${e.op}`)).toEqual([
      'memory_items INSERT',
      'workspaces INSERT',
      'panels INSERT',
      'workspaces DELETE',
    ]);
    expect(events[0]).toMatchObject({
      id: memory!.id,
      identityId: SEED.a1,
      keys: [`dataspace:${dataspace}`],
    });
    expect(events[0]!.data).toEqual({ dataspaceId: dataspace });
    expect(events.map((e) => reloadFor(e))).toEqual(events.map(() => ({ threadId: null, spatial: true })));
  });

  it('names the thread of a new message the way the client reads it', async () => {
    received.length = 0;
    const sql = db.sql();
    await sql`delete from private.realtime_outbox`;
    const thread = seedId('a1', '0004');
    await sql`insert into public.messages (identity_id, thread_id, author_identity_id, body)
              values (${SEED.a1}, ${thread}, ${SEED.a1}, 'Salut')`;
    await sql`select private.realtime_relay()`;
    const [event] = (await announced()).map((p) => JSON.parse(p) as DbEventMessage);
    expect(event!.table).toBe('messages');
    expect(reloadFor(event!)).toEqual({ threadId: thread, spatial: false });
  });

  it('announces a thread run held for review, decided or ended unanswered, naming only its thread', async () => {
    received.length = 0;
    const sql = db.sql();
    await sql`delete from private.realtime_outbox`;
    const thread = seedId('a1', '0004');
    const [threadRow] = await sql<{ dataspace_id: string }[]>`
      select dataspace_id from public.threads where id = ${thread}`;
    const dataspace = threadRow!.dataspace_id;
    const [run] = await sql<{ id: string }[]>`
      insert into public.agent_executions (identity_id, user_id, agent_id, thread_id, dataspace_id, status, intent_text, task_type)
      values (${SEED.a1}, ${SEED.alice}, 'c0000000-0000-4000-8000-022000000001', ${thread}, ${dataspace}, 'pending',
              'estimer les pieux', 'estimate')
      returning id`;
    // the pipeline's own steps are not announced; a hold for review, its decision and the end are
    for (const status of [
      'encoding',
      'validating',
      'estimating',
      'awaiting_review',
      'awaiting_review',
      'approved',
    ]) {
      await sql`update public.agent_executions set status = ${status} where id = ${run!.id}`;
    }
    await sql`update public.agent_executions set status = 'failed', finished_at = now() where id = ${run!.id}`;
    // a run of no thread names none, so no room hears of it
    await sql`update public.agent_executions set thread_id = null, status = 'awaiting_review' where id = ${run!.id}`;
    // awaiting_review, approved, failed (the repeated hold and the thread-less run queue nothing)
    expect(await outboxSize()).toBe(3);
    await sql`select private.realtime_relay()`;
    // Postgres folds identical notifications of one transaction into one: the relay sent three alike
    const events = (await announced()).map((p) => JSON.parse(p) as DbEventMessage & { keys: string[] });
    expect(events).toHaveLength(1);
    for (const event of events) {
      expect(event).toEqual({
        table: 'agent_executions',
        op: 'UPDATE',
        id: run!.id,
        identityId: null,
        keys: [`thread:${thread}`, `dataspace:${dataspace}`],
        data: { threadId: thread, dataspaceId: dataspace },
      });
      expect(reloadFor(event)).toEqual({ threadId: thread, spatial: false });
    }
  });

  it('refuses a non-positive relay limit', async () => {
    await expect(db.sql()`select private.realtime_relay(0)`).rejects.toThrow(/relay limit must be positive/);
    expect(() => new NotifyBridge(db.sql(), () => {}, { batch: 0 })).toThrow(RangeError);
  });
});
