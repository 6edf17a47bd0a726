import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { createOpenAiCompatibleProvider } from '../../supabase/functions/_shared/pipeline/providers/openAiCompatibleProvider.ts';
import { decideReview } from '../../supabase/functions/_shared/pipeline/reviewRuns.ts';
import { runGovernedExecution } from '../../supabase/functions/_shared/pipeline/runGovernedExecution.ts';
import type { PipelineDeps } from '../../supabase/functions/_shared/pipeline/types.ts';
import { asIdentity, seedId } from '../helpers/personas.ts';
import { loopbackOutbound, startChatServer } from './chatServer.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';

const db = useIsolatedDatabase('run');
let chat: Awaited<ReturnType<typeof startChatServer>>;
let deps: PipelineDeps;
beforeAll(async () => {
  chat = await startChatServer();
  deps = {
    data: db.data(),
    providers: {
      builtin: createBuiltinProvider(),
      openaiCompatible: createOpenAiCompatibleProvider(
        { baseUrl: chat.baseUrl, apiKey: 'local-test-key' },
        loopbackOutbound(),
      ),
    },
  };
});
afterAll(() => chat.close());

const A1_THREAD = seedId('a1', '0004');
const A1_DATASPACE = seedId('a1', '0003');
const B1_THREAD = seedId('b1', '0004');
const EXTERNAL = 'c0000000-0000-4000-8000-022000000005';
const ESTIMATOR = 'c0000000-0000-4000-8000-022000000003';
const SUMMARIZE = "Peux-tu résumer le fil sur les armoires, en liste à puces s'il te plaît ?";
let n = 0;
const key = (label: string) => `test-${label}-${++n}`;

async function account(identity: string) {
  const [a] =
    await db.sql()`select balance::int, reserved::int from public.token_accounts where identity_id = ${identity}`;
  return a as { balance: number; reserved: number };
}

describe('runGovernedExecution', () => {
  it('runs every stage, settles what was used and writes the results into the thread', async () => {
    const sql = db.sql();
    const before = await account(seedId('a1', '').slice(0, 8) + '-0000-4000-8000-000000000000');
    const [thread0] = await sql`select tokens_consumed::int from public.threads where id = ${A1_THREAD}`;
    const r = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: SUMMARIZE,
      threadId: A1_THREAD,
      idempotencyKey: key('ok'),
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.agent.slug).toBe('summarizer');
    expect(r.stages.map((s) => s.stage)).toEqual([
      'intent',
      'encoding',
      'validating',
      'estimating',
      'reserved',
      'locked',
      'matched',
      'running',
      'assembling',
      'settling',
      'persisting',
      'audited',
    ]);
    expect(r.tokens.used).toBeGreaterThan(0);
    expect(r.tokens.used).toBeLessThanOrEqual(r.tokens.reserved);
    expect(r.result.open_questions).toEqual(['Décision à prendre avant le 15 : merisier ou érable ?']);

    const [exec] =
      await sql`select status, tokens_used::int, reservation_id, stages, agent_id from public.agent_executions where id = ${r.executionId}`;
    expect(exec).toMatchObject({ status: 'succeeded', tokens_used: r.tokens.used });
    expect((exec!.stages as unknown[]).length).toBe(12);
    const [res] =
      await sql`select status, committed_amount::int from public.token_reservations where id = ${exec!.reservation_id}`;
    expect(res).toEqual({ status: 'committed', committed_amount: r.tokens.used });
    const after = await account('a1000000-0000-4000-8000-000000000000');
    expect(after).toEqual({ balance: before.balance - r.tokens.used, reserved: before.reserved });
    const [thread1] =
      await sql`select tokens_consumed::int, scope_locked from public.threads where id = ${A1_THREAD}`;
    expect(thread1).toEqual({
      tokens_consumed: thread0!.tokens_consumed + r.tokens.used,
      scope_locked: false,
    });

    const msgs =
      await sql`select author_kind, agent_execution_id, body from public.messages where id = any(${r.messageIds}::uuid[])`;
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ author_kind: 'agent', agent_execution_id: r.executionId });
    expect(msgs[0]!.body).toContain('merisier');
    const decisions =
      await sql`select status, title from public.decisions where id = any(${r.decisionIds}::uuid[])`;
    expect(decisions).toEqual([
      { status: 'proposed', title: 'À décider : Décision à prendre avant le 15 : merisier ou érable ?' },
    ]);
    const mem =
      await sql`select status, origin, proposed_by_execution_id, source_type from public.memory_items where id = any(${r.memoryProposalIds}::uuid[])`;
    expect(mem).toEqual([
      {
        status: 'proposed',
        origin: 'agent',
        proposed_by_execution_id: r.executionId,
        source_type: 'agent_execution',
      },
    ]);
    const locks =
      await sql`select released_at is not null as released, thread_ids from public.scope_locks where execution_id = ${r.executionId}`;
    expect(locks).toEqual([{ released: true, thread_ids: [A1_THREAD] }]);
    const audited =
      await sql`select action from public.audit_log where entity_id = ${r.executionId} order by seq`;
    expect(audited.map((a) => a.action)).toEqual(r.stages.map((s) => `pipeline.${s.stage}`));
    const [chain] =
      await sql`select * from private.verify_audit_chain('a1000000-0000-4000-8000-000000000000')`;
    expect(chain!.first_broken_seq).toBeNull();
    const [intent] =
      await sql`select eqs, tokens_saved from public.encoded_intents e join public.agent_executions x on x.encoded_intent_id = e.id where x.id = ${r.executionId}`;
    expect(intent).toMatchObject({ eqs: r.eqs });
    expect(intent!.tokens_saved).toBeGreaterThan(0);
  });

  it('replays the first result for the same key and refuses the key with another request', async () => {
    const k = key('replay');
    const first = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: SUMMARIZE,
      threadId: A1_THREAD,
      idempotencyKey: k,
    });
    const again = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: SUMMARIZE,
      threadId: A1_THREAD,
      idempotencyKey: k,
    });
    expect(first.ok && again.ok).toBe(true);
    expect(again).toMatchObject({ replayed: true, executionId: first.executionId });
    if (first.ok && again.ok) expect(again.messageIds).toEqual(first.messageIds);
    const [count] =
      await db.sql()`select count(*)::int as n from public.agent_executions where idempotency_key = ${k}`;
    expect(count!.n).toBe(1);
    const other = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: `${SUMMARIZE} !`,
      threadId: A1_THREAD,
      idempotencyKey: k,
    });
    expect(other).toMatchObject({ ok: false, code: 'idempotency_key_reused' });
  });

  it('refuses a scope the active identity cannot reach, naming it, even for the same user', async () => {
    const other = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: SUMMARIZE,
      threadId: B1_THREAD,
      idempotencyKey: key('far'),
    });
    expect(other).toMatchObject({
      ok: false,
      code: 'scope_not_reachable',
      scope: { type: 'thread', id: B1_THREAD },
    });
    const sibling = await runGovernedExecution(deps, asIdentity('a2'), {
      intentText: SUMMARIZE,
      dataspaceId: A1_DATASPACE,
      idempotencyKey: key('sib'),
    });
    expect(sibling).toMatchObject({
      ok: false,
      code: 'scope_not_reachable',
      scope: { type: 'dataspace', id: A1_DATASPACE },
    });
    const [audit] =
      await db.sql()`select payload from public.audit_log where identity_id = 'a2000000-0000-4000-8000-000000000000' and action = 'pipeline.refused' order by seq desc limit 1`;
    expect(audit!.payload).toMatchObject({ code: 'scope_not_reachable' });
  });

  it('refuses bad requests and vague intents with a code, never a throw', async () => {
    expect(
      await runGovernedExecution(deps, asIdentity('a1'), {
        intentText: '',
        threadId: A1_THREAD,
        idempotencyKey: 'k',
      }),
    ).toMatchObject({ ok: false, code: 'validation_failed' });
    expect(
      await runGovernedExecution(deps, asIdentity('a1'), { intentText: 'x', idempotencyKey: 'k' } as never),
    ).toMatchObject({ ok: false, code: 'validation_failed' });
    const vague = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: 'peut-être ça',
      threadId: A1_THREAD,
      idempotencyKey: key('vague'),
    });
    expect(vague).toMatchObject({ ok: false, code: 'encoding_rejected' });
  });

  it('refuses when no agent fits, naming the pinned agent', async () => {
    const r = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: SUMMARIZE,
      threadId: A1_THREAD,
      agentId: ESTIMATOR,
      idempotencyKey: key('acm'),
    });
    expect(r).toMatchObject({
      ok: false,
      code: 'no_compatible_agent',
      scope: { type: 'agent', id: ESTIMATOR },
    });
  });

  it('refuses over budget with the refusing scope and leaves no hold', async () => {
    const sql = db.sql();
    await sql`update public.token_budgets set amount = spent + reserved + 10 where scope_type = 'thread' and scope_id = ${A1_THREAD}`;
    try {
      const before = await account('a1000000-0000-4000-8000-000000000000');
      const r = await runGovernedExecution(deps, asIdentity('a1'), {
        intentText: SUMMARIZE,
        threadId: A1_THREAD,
        idempotencyKey: key('budget'),
      });
      expect(r).toMatchObject({
        ok: false,
        code: 'budget_exceeded',
        scope: { type: 'thread', id: A1_THREAD },
      });
      expect(await account('a1000000-0000-4000-8000-000000000000')).toEqual(before);
      const [exec] =
        await sql`select status, error from public.agent_executions where id = ${r.ok ? null : r.executionId!}`;
      expect(exec).toMatchObject({ status: 'refused', error: { code: 'budget_exceeded' } });
    } finally {
      await sql`update public.token_budgets set amount = 1000000 where scope_type = 'thread' and scope_id = ${A1_THREAD}`;
    }
  });

  it('drafts a construction estimate from the line items in scope, once a reviewer approved it', async () => {
    // the estimator's compatibility entry asks for human review: the run waits for a reviewer
    const held = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: 'Prépare une soumission pour la cuisine',
      threadId: A1_THREAD,
      idempotencyKey: key('est'),
    });
    expect(!held.ok && held.code).toBe('awaiting_review');
    if (held.ok) return;
    await db.sql()`select private.set_staff_role('bob@chenu.local', 'reviewer', 'test')`;
    const outcome = await decideReview(deps, asIdentity('b1'), held.executionId!, 'approve');
    expect(outcome.state).toBe('approved');
    const r = outcome.state === 'approved' ? outcome.run : held;
    expect(r.ok && r.agent.slug).toBe('estimator');
    if (!r.ok) return;
    const [p] = r.result.projects as { subtotal_cents: number; tax_cents: number; total_cents: number }[];
    // the cabinetmaker's estimate for Alice's kitchen: 11 200 $ + 600 $ + 32 h × 85 $, QST and GST at 14.975 %
    expect(p).toMatchObject({ subtotal_cents: 1_452_000, tax_cents: 217_437, total_cents: 1_669_437 });
    expect(r.decisionIds).toHaveLength(1);
  });

  it('extracts tasks from meeting notes in scope', async () => {
    const r = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: 'Fais la liste des tâches de la réunion',
      threadId: A1_THREAD,
      idempotencyKey: key('tasks'),
    });
    expect(r.ok && r.agent.slug).toBe('task-extractor');
    if (!r.ok) return;
    const titles = r.result.tasks as { title: string; owner: string | null }[];
    expect(titles.map((x) => x.title)).toContain("Envoyer le plan coté de la cuisine à l'ébéniste.");
    expect(titles.find((x) => x.title.startsWith('Marc'))?.owner).toBe('Marc');
  });

  it('runs an external agent over HTTP and settles the usage it reports', async () => {
    chat.setMode({
      kind: 'reply',
      content: JSON.stringify({
        messages: ['Option retenue : gîte à Percé.'],
        decisions: [],
        memory_proposals: [{ kind: 'note', content: 'Gîte choisi' }],
      }),
      usage: { prompt_tokens: 300, completion_tokens: 100, total_tokens: 400 },
    });
    const sent = chat.requests.length;
    const r = await runGovernedExecution(deps, asIdentity('b1'), {
      intentText: 'Résume le fil',
      threadId: B1_THREAD,
      agentId: EXTERNAL,
      idempotencyKey: key('http'),
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.tokens.used).toBe(1000); // 400 model tokens at 2 500 per 1 000
    expect(chat.requests.length).toBe(sent + 1);
    expect(chat.requests.at(-1)).toMatchObject({
      model: 'llama-3.1-8b-instruct',
      authorization: 'Bearer local-test-key',
    });
    const [res] =
      await db.sql()`select r.committed_amount::int from public.token_reservations r join public.agent_executions e on e.reservation_id = r.id where e.id = ${r.executionId}`;
    expect(res!.committed_amount).toBe(1000);
  });

  it('on provider failure releases the hold, marks the run failed and writes nothing', async () => {
    chat.setMode({ kind: 'error', status: 500 });
    const sql = db.sql();
    const before = await account('b1000000-0000-4000-8000-000000000000');
    const [msgs0] = await sql`select count(*)::int as n from public.messages where thread_id = ${B1_THREAD}`;
    const r = await runGovernedExecution(deps, asIdentity('b1'), {
      intentText: 'Résume le fil',
      threadId: B1_THREAD,
      agentId: EXTERNAL,
      idempotencyKey: key('fail'),
    });
    expect(r).toMatchObject({ ok: false, code: 'provider_failed' });
    if (r.ok) return;
    expect(r.message).toMatch(/HTTP 500/);
    const [exec] =
      await sql`select status, reservation_id, error from public.agent_executions where id = ${r.executionId!}`;
    expect(exec).toMatchObject({ status: 'failed', error: { code: 'provider_failed' } });
    const [res] = await sql`select status from public.token_reservations where id = ${exec!.reservation_id}`;
    expect(res!.status).toBe('released');
    expect(await account('b1000000-0000-4000-8000-000000000000')).toEqual(before);
    const [msgs1] = await sql`select count(*)::int as n from public.messages where thread_id = ${B1_THREAD}`;
    expect(msgs1!.n).toBe(msgs0!.n);
    const [mem] =
      await sql`select count(*)::int as n from public.memory_items where proposed_by_execution_id = ${r.executionId!}`;
    expect(mem!.n).toBe(0);
    const [lock] =
      await sql`select released_at is not null as released from public.scope_locks where execution_id = ${r.executionId!}`;
    expect(lock!.released).toBe(true);
    // the thread stays locked only while another held lock (the seeded running run) still covers it
    const [thread] =
      await sql`select t.scope_locked, exists (select 1 from public.scope_locks l where l.released_at is null
                                 and t.id = any(l.thread_ids)) as covered from public.threads t where t.id = ${B1_THREAD}`;
    expect(thread!.scope_locked).toBe(thread!.covered);
  });

  it('times an agent out, releasing its hold', async () => {
    chat.setMode({ kind: 'hang' });
    const r = await runGovernedExecution(deps, asIdentity('b1'), {
      intentText: 'Résume le fil',
      threadId: B1_THREAD,
      agentId: EXTERNAL,
      idempotencyKey: key('slow'),
      timeoutMs: 200,
    });
    expect(r).toMatchObject({ ok: false, code: 'timeout' });
    await chat.aborted;
    const [exec] =
      await db.sql()`select e.status, r.status as hold from public.agent_executions e join public.token_reservations r on r.id = e.reservation_id where e.id = ${r.ok ? null : r.executionId!}`;
    expect(exec).toEqual({ status: 'failed', hold: 'released' });
  });
});
