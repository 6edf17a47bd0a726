/**
 * Door: the room event announcing a thread run's change of status (trigger
 * `agent_executions_notify_review`, private.notify_run_changed, migration 20261207930000). Everyone in
 * the thread's dataspace room hears it, so it may carry nothing but the thread and the dataspace: not
 * the status, intent, agent, tokens or who asked (the room's people read the run through the API,
 * under RLS). Tried with a real held run from the governed pipeline, and as signed-in users who try
 * to change a run's status themselves to make the room announce what they like.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { runGovernedExecution } from '../../supabase/functions/_shared/pipeline/runGovernedExecution.ts';
import { sqlState } from '../helpers/db.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';

const db = useIsolatedDatabase('run_events');
const INTENT = 'Prépare une soumission pour les balcons';
const thread = seedId('a1', '0004');
let held: string;

interface Queued {
  table: string;
  op: string;
  id: string;
  identityId: string | null;
  keys: string[];
  data: Record<string, unknown>;
}

/** The outbox rows about runs, as the relay would send them. */
const runEvents = async (): Promise<{ text: string; event: Queued }[]> =>
  (
    await db.sql()<{ payload: string }[]>`
      select payload from private.realtime_outbox
      where payload::jsonb ->> 'table' = 'agent_executions' order by id`
  ).map((r) => ({ text: r.payload, event: JSON.parse(r.payload) as Queued }));

beforeAll(async () => {
  await db.sql()`delete from private.realtime_outbox`;
  const r = await runGovernedExecution(
    { data: db.data(), providers: { builtin: createBuiltinProvider() } },
    asIdentity('a1'),
    { intentText: INTENT, threadId: thread, idempotencyKey: 'run-events-1' },
  );
  if (r.ok || r.code !== 'awaiting_review') throw new Error(`expected a held run: ${JSON.stringify(r)}`);
  held = r.executionId!;
});

describe('run status events', () => {
  it('announce a held run by its thread and dataspace only', async () => {
    const [threadRow] = await db.sql()<{ dataspace_id: string }[]>`
      select dataspace_id from public.threads where id = ${thread}`;
    const dataspace = threadRow!.dataspace_id;
    const events = await runEvents();
    // the pipeline's steps before the hold are not announced; the hold is, once
    expect(events.map((e) => e.event)).toEqual([
      {
        table: 'agent_executions',
        op: 'UPDATE',
        id: held,
        identityId: null,
        keys: [`thread:${thread}`, `dataspace:${dataspace}`],
        data: { threadId: thread, dataspaceId: dataspace },
      },
    ]);
    for (const { text } of events) {
      expect(text).not.toContain('awaiting_review');
      expect(text).not.toContain('balcons');
      expect(text).not.toContain(SEED.a1);
    }
  });

  it('cannot be made to announce by a signed-in user changing a run’s status', async () => {
    await db.sql()`delete from private.realtime_outbox`;
    for (const who of ['a1', 'b1'] as const) {
      const state = await sqlState(
        db
          .data()
          .withUser(
            asIdentity(who),
            (tx) => tx`update public.agent_executions set status = 'cancelled' where id = ${held}`,
          ),
      );
      expect(state, who).toBe('42501');
    }
    expect(await runEvents()).toEqual([]);
    const [run] = await db.sql()<{ status: string }[]>`
      select status from public.agent_executions where id = ${held}`;
    const status = run!.status;
    expect(status).toBe('awaiting_review');
  });

  it('has a trigger function nobody may call', async () => {
    const rows = await db.sql()<{ role: string; may: boolean }[]>`
      select r as role, has_function_privilege(r, 'private.notify_run_changed()', 'execute') as may
      from unnest(array['anon', 'authenticated']) r`;
    expect(rows).toEqual([
      { role: 'anon', may: false },
      { role: 'authenticated', may: false },
    ]);
  });
});
