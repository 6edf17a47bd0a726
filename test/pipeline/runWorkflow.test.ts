import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { createOpenAiCompatibleProvider } from '../../supabase/functions/_shared/pipeline/providers/openAiCompatibleProvider.ts';
import {
  activeIdentity,
  loadRunContext,
  loadScope,
} from '../../supabase/functions/_shared/pipeline/loadRunContext.ts';
import { runWorkflow } from '../../supabase/functions/_shared/pipeline/runWorkflow.ts';
import { providerKinds, type PipelineDeps } from '../../supabase/functions/_shared/pipeline/types.ts';
import { planRun } from '../../shared/pipeline/planRun.ts';
import { asIdentity, seedId } from '../helpers/personas.ts';
import { loopbackOutbound, startChatServer } from './chatServer.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';

const db = useIsolatedDatabase('wf');
let chat: Awaited<ReturnType<typeof startChatServer>>;
let deps: PipelineDeps;
beforeAll(async () => {
  chat = await startChatServer();
  deps = {
    data: db.data(),
    providers: {
      builtin: createBuiltinProvider(),
      openaiCompatible: createOpenAiCompatibleProvider({ baseUrl: chat.baseUrl }, loopbackOutbound()),
    },
  };
});
afterAll(() => chat.close());

const A1_WORKFLOW = seedId('a1', '0240');
const A1_THREAD = seedId('a1', '0004');
const B1 = 'b1000000-0000-4000-8000-000000000000';
const B1_WORKFLOW = seedId('b1', '0240');
const EXTERNAL = 'c0000000-0000-4000-8000-022000000005';

describe('runWorkflow', () => {
  it('runs the steps in order under one reservation, settling each step and committing the sum', async () => {
    const r = await runWorkflow(deps, asIdentity('a1'), {
      workflowId: A1_WORKFLOW,
      threadId: A1_THREAD,
      idempotencyKey: 'wf-a1-1',
    });
    expect(r).toMatchObject({ ok: true, status: 'succeeded' });
    if (!r.ok) return;
    expect(r.steps.map((s) => [s.position, s.status])).toEqual([
      [1, 'succeeded'],
      [2, 'succeeded'],
      [3, 'succeeded'],
    ]);
    expect(r.tokensUsed).toBe(r.steps.reduce((s, x) => s + x.tokensUsed, 0));
    const sql = db.sql();
    const holds =
      await sql`select id, status, amount::int, committed_amount::int from public.token_reservations where reference_type = 'workflow' and reference_id = ${r.runId}`;
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({
      status: 'committed',
      committed_amount: r.tokensUsed,
      amount: r.tokensReserved,
    });
    const execs =
      await sql`select status, reservation_id from public.agent_executions where reservation_id = ${holds[0]!.id}`;
    expect(execs).toEqual([
      { status: 'succeeded', reservation_id: holds[0]!.id },
      { status: 'succeeded', reservation_id: holds[0]!.id },
    ]);
    // step 2 extracted tasks from step 1's summary (input mapping), step 3 notified (its condition held)
    expect((r.steps[1]!.output as { tasks: unknown[] }).tasks.length).toBeGreaterThan(0);
    const [note] =
      await sql`select kind from public.notifications where data ->> 'oneclick_execution_id' = ${r.runId}`;
    expect(note).toEqual({ kind: 'workflow.step' });
    const [run] =
      await sql`select status, tokens_used::int, jsonb_array_length(step_results) as n from public.oneclick_executions where id = ${r.runId}`;
    expect(run).toEqual({ status: 'succeeded', tokens_used: r.tokensUsed, n: 3 });
    const settled =
      await sql`select count(*)::int as n from public.audit_log where entity_id = ${r.runId} and action = 'workflow.step.settled'`;
    expect(settled[0]!.n).toBe(2);
    const again = await runWorkflow(deps, asIdentity('a1'), {
      workflowId: A1_WORKFLOW,
      threadId: A1_THREAD,
      idempotencyKey: 'wf-a1-1',
    });
    expect(again).toMatchObject({ ok: true, replayed: true, runId: r.runId });
  });

  it("reserves what its steps' runs plan: each agent step planned as its run plans it (planRun)", async () => {
    const claims = asIdentity('a1');
    // the plans, from the reads the workflow makes, before it runs
    const plans = await db.data().withUser(claims, async (tx) => {
      const identityId = (await activeIdentity(tx))!;
      const [wf] = await tx<{ dataspace_id: string }[]>`
        select dataspace_id from public.oneclick_workflows where id = ${A1_WORKFLOW}`;
      const scope = await loadScope(tx, identityId, { dataspaceId: wf!.dataspace_id, threadId: A1_THREAD });
      if ('unreachable' in scope) throw new Error('scope');
      const ctx = await loadRunContext(tx, scope);
      if ('missingProfile' in ctx) throw new Error('profile');
      const steps = await tx<{ name: string; task_type: string; agent_id: string | null }[]>`
        select name, task_type, agent_id from public.workflow_steps
        where workflow_id = ${A1_WORKFLOW} and step_type = 'agent' order by position`;
      return steps.map((step) => {
        const plan = planRun(
          {
            intentText: step.name || step.task_type,
            taskType: step.task_type,
            ...(step.agent_id ? { agentId: step.agent_id } : {}),
            workflowStep: true,
          },
          {
            scope,
            sizes: ctx.stats,
            profile: ctx.profile,
            rules: ctx.rules,
            agents: ctx.agents,
            matrix: ctx.matrix,
            availableProviders: providerKinds(deps.providers),
          },
        );
        if (!plan.ok) throw new Error(plan.message);
        return plan.estimate.tokens;
      });
    });
    expect(plans).toHaveLength(2);
    const r = await runWorkflow(deps, claims, {
      workflowId: A1_WORKFLOW,
      threadId: A1_THREAD,
      idempotencyKey: 'wf-a1-plan',
    });
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    expect(r.tokensReserved).toBe(plans[0]! + plans[1]!);
    // the first step's run, with nothing written before it, planned exactly what the workflow held for it
    const [first] = await db.sql()<{ tokens_estimated: number }[]>`
      select tokens_estimated from public.agent_executions where id = ${r.steps[0]!.executionId!}`;
    expect(first!.tokens_estimated).toBe(plans[0]);
  });

  it('lets an optional step fail or time out without failing the run', async () => {
    const sql = db.sql();
    await sql`insert into public.workflow_steps (identity_id, workflow_id, position, name, step_type, agent_id, task_type, timeout_ms, optional)
              values (${B1}, ${B1_WORKFLOW}, 3, 'Avis externe', 'agent', ${EXTERNAL}, 'summarize_thread', 100, true)`;
    chat.setMode({ kind: 'hang' });
    const r = await runWorkflow(deps, asIdentity('b1'), {
      workflowId: B1_WORKFLOW,
      threadId: seedId('b1', '0004'),
      idempotencyKey: 'wf-b1-1',
    });
    expect(r).toMatchObject({ ok: true, status: 'partial' });
    if (!r.ok) return;
    expect(r.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'failed']);
    expect(r.steps[2]!.error?.code).toBe('timeout');
    const [hold] =
      await sql`select status, committed_amount::int from public.token_reservations where reference_id = ${r.runId}`;
    expect(hold).toEqual({ status: 'committed', committed_amount: r.tokensUsed });
  });

  it('fails the run when a required step fails, charging only the steps that ran', async () => {
    const sql = db.sql();
    await sql`update public.workflow_steps set optional = false, timeout_ms = 5000 where workflow_id = ${B1_WORKFLOW} and position = 3`;
    chat.setMode({ kind: 'error', status: 502 });
    const r = await runWorkflow(deps, asIdentity('b1'), {
      workflowId: B1_WORKFLOW,
      threadId: seedId('b1', '0004'),
      idempotencyKey: 'wf-b1-2',
    });
    expect(r).toMatchObject({ ok: false, code: 'step_failed', scope: { type: 'workflow', id: B1_WORKFLOW } });
    const [run] =
      await sql`select status, tokens_used::int from public.oneclick_executions where idempotency_key = 'wf-b1-2'`;
    expect(run!.status).toBe('failed');
    const [hold] =
      await sql`select r.status, r.committed_amount::int from public.token_reservations r join public.oneclick_executions o on o.reservation_id = r.id where o.idempotency_key = 'wf-b1-2'`;
    expect(hold).toEqual({ status: 'committed', committed_amount: run!.tokens_used });
  });

  it('refuses a workflow of another identity as not found', async () => {
    const r = await runWorkflow(deps, asIdentity('a2'), { workflowId: A1_WORKFLOW, idempotencyKey: 'wf-a2' });
    expect(r).toMatchObject({
      ok: false,
      code: 'not_found',
      scope: { type: 'workflow', id: A1_WORKFLOW },
    });
  });
});
