/**
 * Door: idempotency lookups (issue 13, finding 7). B1 holds a read grant on the whole of A1, so
 * RLS shows it A1's agent runs and workflow runs; it then sends its own runs under the
 * Idempotency-Keys A1 used. Each lookup is scoped by the active identity: B1 gets runs of its own,
 * never A1's answer replayed (nor a conflict that tells the key exists).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { runGovernedExecution } from '../../supabase/functions/_shared/pipeline/runGovernedExecution.ts';
import { runWorkflow } from '../../supabase/functions/_shared/pipeline/runWorkflow.ts';
import type { PipelineDeps } from '../../supabase/functions/_shared/pipeline/types.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';

const db = useIsolatedDatabase('idempotency');
const A1_EXECUTION = seedId('a1', '0222', 1);
const A1_EXECUTION_KEY = 'exec-a1-summarize-0001';
const A1_WORKFLOW_RUN = seedId('a1', '0242', 1);
let deps: PipelineDeps;
// the seed names the weekly run after next Monday's date: read it rather than restate it
let A1_WORKFLOW_RUN_KEY: string;
beforeAll(async () => {
  const [run] =
    await db.sql()`select idempotency_key from public.oneclick_executions where id = ${A1_WORKFLOW_RUN}`;
  A1_WORKFLOW_RUN_KEY = run!.idempotency_key as string;
  deps = { data: db.data(), providers: { builtin: createBuiltinProvider() } } as PipelineDeps;
  await db.sql()`insert into public.elevation_requests
      (requester_identity_id, target_identity_id, scope_type, scope_id, permission, reason, status, decided_at, expires_at)
    values (${SEED.b1}, ${SEED.a1}, 'identity', ${SEED.a1}, 'read', 'idempotency test', 'approved', now(), now() + interval '1 hour')`;
});

describe('idempotency lookups', () => {
  it("are the grantee's own: A1's seeded keys exist and B1 can read their runs", async () => {
    const visible = await db.data().withUser(
      asIdentity('b1'),
      (
        tx,
      ) => tx`select (select count(*)::int from public.agent_executions where idempotency_key = ${A1_EXECUTION_KEY}) as runs,
                        (select count(*)::int from public.oneclick_executions where idempotency_key = ${A1_WORKFLOW_RUN_KEY}) as workflows`,
    );
    expect(visible[0]).toEqual({ runs: 1, workflows: 1 });
  });

  it("never replay another identity's agent run to a request under the same key", async () => {
    const r = await runGovernedExecution(deps, asIdentity('b1'), {
      intentText: 'Résume le fil, en liste à puces.',
      threadId: seedId('b1', '0004'),
      idempotencyKey: A1_EXECUTION_KEY,
    });
    expect(r.replayed).toBe(false);
    expect(r.ok ? 'ok' : r.code).not.toBe('idempotency_key_reused');
    expect(r.executionId).toBeDefined();
    expect(r.executionId).not.toBe(A1_EXECUTION);
    const again = await runGovernedExecution(deps, asIdentity('b1'), {
      intentText: 'Résume le fil, en liste à puces.',
      threadId: seedId('b1', '0004'),
      idempotencyKey: A1_EXECUTION_KEY,
    });
    expect(again).toMatchObject({ replayed: true, executionId: r.executionId });
  });

  it("never replay another identity's workflow run to a request under the same key", async () => {
    const r = await runWorkflow(deps, asIdentity('b1'), {
      workflowId: seedId('b1', '0240'),
      threadId: seedId('b1', '0004'),
      idempotencyKey: A1_WORKFLOW_RUN_KEY,
    });
    expect(r.replayed).toBe(false);
    expect(r.runId).toBeDefined();
    expect(r.runId).not.toBe(A1_WORKFLOW_RUN);
  });
});
