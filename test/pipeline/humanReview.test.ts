/**
 * `human_review` gates: a run whose compatibility entry asks for it waits `awaiting_review` with its
 * hold and scope lock kept and nothing written, until a reviewer approves it (it then runs and
 * settles against that hold) or rejects it (released). A hold that lapsed can no longer be approved.
 */
import { describe, expect, it } from 'vitest';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { decideReview } from '../../supabase/functions/_shared/pipeline/reviewRuns.ts';
import { runGovernedExecution } from '../../supabase/functions/_shared/pipeline/runGovernedExecution.ts';
import type { PipelineDeps } from '../../supabase/functions/_shared/pipeline/types.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';

const db = useIsolatedDatabase('review');
const deps = (): PipelineDeps => ({ data: db.data(), providers: { builtin: createBuiltinProvider() } });
const A1_THREAD = seedId('a1', '0004');
const ESTIMATE = 'Prépare une soumission pour les balcons';
let n = 0;
const key = (label: string) => `review-${label}-${++n}`;

async function account() {
  const [a] =
    await db.sql()`select balance::int, reserved::int from public.token_accounts where identity_id = ${SEED.a1}`;
  return a as { balance: number; reserved: number };
}
const messages = async () =>
  (await db.sql()`select count(*)::int as n from public.messages where thread_id = ${A1_THREAD}`)[0]!
    .n as number;

async function hold() {
  const r = await runGovernedExecution(deps(), asIdentity('a1'), {
    intentText: ESTIMATE,
    threadId: A1_THREAD,
    idempotencyKey: key('est'),
  });
  expect(!r.ok && r.code, JSON.stringify(r)).toBe('awaiting_review');
  return r.ok ? '' : r.executionId!;
}

describe('human_review', () => {
  it('blocks the run, hold kept and nothing written, until a reviewer approves it; then it runs and settles', async () => {
    const before = await account();
    const written = await messages();
    const executionId = await hold();
    const [row] = await db.sql()`
      select e.status, e.tokens_reserved, r.status as hold, r.expires_at > now() + interval '6 days' as long_hold,
             (select released_at is null from public.scope_locks l where l.execution_id = e.id) as locked
      from public.agent_executions e join public.token_reservations r on r.id = e.reservation_id
      where e.id = ${executionId}`;
    expect(row).toMatchObject({ status: 'awaiting_review', hold: 'open', long_hold: true, locked: true });
    expect((await account()).reserved).toBe(before.reserved + row!.tokens_reserved);
    expect(await messages()).toBe(written);
    // asking again replays the wait, it does not run
    const replay = await runGovernedExecution(deps(), asIdentity('a1'), {
      intentText: ESTIMATE,
      threadId: A1_THREAD,
      idempotencyKey: `review-est-${n}`,
    });
    expect(!replay.ok && replay.code).toBe('awaiting_review');
    expect(await messages()).toBe(written);

    await db.sql()`select private.set_staff_role('bob@chenu.local', 'reviewer', 'test')`;
    const outcome = await decideReview(deps(), asIdentity('b1'), executionId, 'approve', 'ok');
    expect(outcome.state).toBe('approved');
    const run = outcome.state === 'approved' ? outcome.run : null;
    expect(run?.ok, JSON.stringify(run)).toBe(true);
    if (!run?.ok) return;
    expect(run.stages.map((s) => s.stage)).toContain('reviewed');
    const after = await account();
    expect(after.reserved).toBe(before.reserved);
    expect(after.balance).toBe(before.balance - run.tokens.used);
    expect(await messages()).toBe(written + run.messageIds.length);
    const trail =
      await db.sql()`select action from public.audit_log where entity_id = ${executionId} order by id`;
    expect(trail.map((t) => t.action)).toEqual(
      expect.arrayContaining(['pipeline.awaiting_review', 'pipeline.review.approved', 'review.approved']),
    );
  });

  it('releases the hold and writes nothing when a reviewer rejects', async () => {
    const before = await account();
    const written = await messages();
    const executionId = await hold();
    const outcome = await decideReview(deps(), asIdentity('b1'), executionId, 'reject', 'non');
    expect(outcome.state).toBe('rejected');
    expect(await account()).toEqual(before);
    expect(await messages()).toBe(written);
    const [row] =
      await db.sql()`select status, error->>'code' as code from public.agent_executions where id = ${executionId}`;
    expect(row).toEqual({ status: 'rejected', code: 'review_rejected' });
  });

  it('cannot approve a run whose hold lapsed: it fails as review_expired and its lock is released', async () => {
    const executionId = await hold();
    await db.sql()`update public.token_reservations set expires_at = now() - interval '1 second'
                   where id = (select reservation_id from public.agent_executions where id = ${executionId})`;
    await db.sql()`select private.ledger_expire_sweep()`;
    const outcome = await decideReview(deps(), asIdentity('b1'), executionId, 'approve');
    expect(outcome.state).toBe('expired');
    const [row] = await db.sql()`
      select e.status, e.error->>'code' as code, (select released_at is not null from public.scope_locks l where l.execution_id = e.id) as released
      from public.agent_executions e where e.id = ${executionId}`;
    expect(row).toEqual({ status: 'failed', code: 'review_expired', released: true });
  });
});
