/**
 * The governed pipeline in a shared dataspace (issue 14): a member with participant or above runs an
 * agent in the owner's thread; the run and its results are the owner's rows, the runner is recorded
 * and pays; the agent never reads memory the member could not read (sensitive items stay out of the
 * lock); a viewer is refused before anything is written; idempotency keys are the runner's own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { runGovernedExecution } from '../../supabase/functions/_shared/pipeline/runGovernedExecution.ts';
import type { PipelineDeps } from '../../supabase/functions/_shared/pipeline/types.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';

const db = useIsolatedDatabase('shared-run');
let deps: PipelineDeps;
beforeAll(() => {
  deps = { data: db.data(), providers: { builtin: createBuiltinProvider() } };
});

const A1_THREAD = seedId('a1', '0004');
const A1_DATASPACE = seedId('a1', '0003');
const SUMMARIZE = "Peux-tu résumer le fil sur les armoires, en liste à puces s'il te plaît ?";
const MEMORY = 'Peux-tu répondre à partir de la mémoire : quel est le budget de la cuisine ?';

async function setRole(role: 'viewer' | 'participant') {
  await db.sql()`
    insert into public.dataspace_members (identity_id, dataspace_id, member_identity_id, role)
    values (${SEED.a1}, ${A1_DATASPACE}, ${SEED.b2}, ${role})
    on conflict (dataspace_id, member_identity_id) do update set role = excluded.role`;
}

async function balance(identity: string): Promise<number> {
  const [a] =
    await db.sql()`select balance::int as b from public.token_accounts where identity_id = ${identity}`;
  return a!.b as number;
}

describe('a governed run in a shared dataspace', () => {
  it('refuses a viewer before anything is written', async () => {
    await setRole('viewer');
    const before = await db.sql()`select count(*)::int as n from public.agent_executions`;
    const r = await runGovernedExecution(deps, asIdentity('b2'), {
      intentText: SUMMARIZE,
      threadId: A1_THREAD,
      idempotencyKey: 'viewer-run',
    });
    expect(r).toMatchObject({
      ok: false,
      code: 'scope_not_reachable',
      scope: { type: 'dataspace', id: A1_DATASPACE },
    });
    expect(await db.sql()`select count(*)::int as n from public.agent_executions`).toEqual(before);
  });

  it('runs for a participant: the owner’s rows, the runner recorded and paying, the owner’s balance untouched', async () => {
    await setRole('participant');
    const [aliceBefore, bobBefore] = [await balance(SEED.a1), await balance(SEED.b2)];
    const r = await runGovernedExecution(deps, asIdentity('b2'), {
      intentText: SUMMARIZE,
      threadId: A1_THREAD,
      idempotencyKey: 'shared-key',
    });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(await balance(SEED.b2)).toBe(bobBefore - r.tokens.used);
    expect(await balance(SEED.a1)).toBe(aliceBefore);
    const [run] = await db.sql()`
      select e.identity_id, e.runner_identity_id, r.identity_id as payer
      from public.agent_executions e join public.token_reservations r on r.id = e.reservation_id
      where e.id = ${r.executionId}`;
    expect(run).toEqual({ identity_id: SEED.a1, runner_identity_id: SEED.b2, payer: SEED.b2 });
    const written = await db.sql()`select identity_id from public.messages where id = any(${r.messageIds})`;
    expect(written.map((m) => m.identity_id)).toEqual(r.messageIds.map(() => SEED.a1));
    // the owner may use the same key for a run of her own: keys are the runner's
    const own = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: SUMMARIZE,
      threadId: A1_THREAD,
      idempotencyKey: 'shared-key',
    });
    expect(own).toMatchObject({ ok: true, replayed: false });
    // and the member's retry replays his own run
    const again = await runGovernedExecution(deps, asIdentity('b2'), {
      intentText: SUMMARIZE,
      threadId: A1_THREAD,
      idempotencyKey: 'shared-key',
    });
    expect(again).toMatchObject({ ok: true, replayed: true, executionId: r.executionId });
  });

  it('never gives a member’s run memory the member could not read', async () => {
    await setRole('participant');
    const sql = db.sql();
    const [secret] = await sql`
      insert into public.memory_items (identity_id, dataspace_id, source_type, kind, content, sensitive)
      values (${SEED.a1}, ${A1_DATASPACE}, 'user', 'fact', 'Le code de la porte est 1234.', true) returning id`;
    const r = await runGovernedExecution(deps, asIdentity('b2'), {
      intentText: MEMORY,
      dataspaceId: A1_DATASPACE,
      taskType: 'answer_from_memory',
      idempotencyKey: 'member-memory',
    });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    const [lock] =
      await sql`select memory_item_ids from public.scope_locks where execution_id = ${r.executionId}`;
    expect(lock!.memory_item_ids).not.toContain(secret!.id);
    expect((lock!.memory_item_ids as string[]).length).toBeGreaterThan(0);
    expect(JSON.stringify(r.result)).not.toContain('1234');
  });
});
