/**
 * The governed endpoints through supabase-js: agents (catalog, compatibility, governed execute with
 * Idempotency-Key replay), tokens (balance, transactions, budgets, allocate) and Nova, for a fresh
 * user whose identity is credited through the ledger's own credit function.
 */
import { describe, expect, it } from 'vitest';
import { calledRoutes, useApi, type User } from './apiHarness.ts';

const { newUser, sql, client } = useApi();
const SUMMARIZE = "Peux-tu résumer ce fil de discussion, en liste à puces s'il te plaît ?";

describe('governed endpoints', () => {
  let u: User;
  let thread: string;
  let dataspace: string;

  it('lists agents and the compatibility matrix', async () => {
    u = await newUser('governed');
    const agents = await u.call('GET', '/agents');
    expect(agents.status).toBe(200);
    expect(agents.body.data.map((a: { slug: string }) => a.slug)).toContain('summarizer');
    const summarizer = agents.body.data.find((a: { slug: string }) => a.slug === 'summarizer');
    expect((await u.call('GET', '/agents/{id}', { params: { id: summarizer.id } })).body.slug).toBe(
      'summarizer',
    );
    const matrix = await u.call('GET', '/agents/compatibility', { query: { agent_id: summarizer.id } });
    expect(matrix.status).toBe(200);
    expect(matrix.body.data.every((m: { agent_id: string }) => m.agent_id === summarizer.id)).toBe(true);
  });

  it('refuses a run without tokens, then runs, settles and replays it by Idempotency-Key', async () => {
    const sphere = (await u.call('POST', '/spheres', { body: { name: 'Maison' } })).body;
    dataspace = (await u.call('POST', '/dataspaces', { body: { sphere_id: sphere.id, name: 'Cuisine' } }))
      .body.id;
    thread = (await u.call('POST', '/threads', { body: { dataspace_id: dataspace, title: 'Armoires' } })).body
      .id;
    await u.call('POST', '/threads/{thread_id}/messages', {
      params: { thread_id: thread },
      body: { body: 'Érable ou chêne ? Le budget est de 8 000 $.' },
    });
    const agents = (await u.call('GET', '/agents')).body.data as { id: string; slug: string }[];
    const summarizer = agents.find((a) => a.slug === 'summarizer')!.id;
    const run = (key?: string) =>
      u.call('POST', '/agents/{id}/execute', {
        params: { id: summarizer },
        body: { intentText: SUMMARIZE, threadId: thread },
        headers: key ? { 'idempotency-key': key } : {},
      });
    const noKey = await run();
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.details[0].path).toBe('headers.idempotency-key');
    // sign-up granted the free plan's first tokens (onboarding); spend them all: refused before anything is reserved
    await sql`select private.ledger_debit(${u.identityId}::uuid, a.balance, ${`drain-${u.id}`}, 'manual', null)
              from public.token_accounts a where a.identity_id = ${u.identityId} and a.balance > 0`;
    const broke = await run('run-broke');
    expect(broke.status, JSON.stringify(broke.body)).toBe(402);
    expect(broke.body.error.code).toBe('insufficient_balance');
    await sql`select private.ledger_credit(${u.identityId}::uuid, 50000, ${`credit-${u.id}`}, 'manual', null)`;
    const first = await run('run-1');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ ok: true, replayed: false, agent: { slug: 'summarizer' } });
    expect(first.body.tokens.used).toBeGreaterThan(0);
    const again = await run('run-1');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ executionId: first.body.executionId, replayed: true });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const balance = await u.call('GET', '/tokens/balance');
    expect(balance.body).toMatchObject({ balance: 50000 - first.body.tokens.used, reserved: 0 });
    const messages = await u.call('GET', '/threads/{thread_id}/messages', { params: { thread_id: thread } });
    expect(messages.body.data.map((m: { id: string }) => m.id)).toEqual(
      expect.arrayContaining(first.body.messageIds),
    );
  });

  it('pages transactions, allocates to a budget idempotently and lists budgets', async () => {
    const page1 = await u.call('GET', '/tokens/transactions', { query: { limit: '1' } });
    expect(page1.body.data).toHaveLength(1);
    const page2 = await u.call('GET', '/tokens/transactions', {
      query: { limit: '1', cursor: page1.body.next_cursor },
    });
    expect(page2.body.data[0].entryNo).toBeLessThan(page1.body.data[0].entryNo);
    const body = { scopeType: 'dataspace', scopeId: dataspace, amount: 1000 };
    const a1 = await u.call('POST', '/tokens/allocate', { body, headers: { 'idempotency-key': 'alloc-1' } });
    expect(a1.status, JSON.stringify(a1.body)).toBe(201);
    const a2 = await u.call('POST', '/tokens/allocate', { body, headers: { 'idempotency-key': 'alloc-1' } });
    expect(a2.body.id).toBe(a1.body.id);
    const budgets = await u.call('GET', '/tokens/budgets');
    expect(budgets.body.data.find((b: { scopeId: string }) => b.scopeId === dataspace)).toMatchObject({
      amount: 1000,
    });
    const other = await newUser('other');
    const steal = await other.call('POST', '/tokens/allocate', {
      body,
      headers: { 'idempotency-key': 'alloc-x' },
    });
    expect([402, 403, 404]).toContain(steal.status);
  });

  it('estimates a run before confirming: EQS, cost and the ledger verdict, writing nothing', async () => {
    const agents = (await u.call('GET', '/agents')).body.data as { id: string; slug: string }[];
    const summarizer = agents.find((a) => a.slug === 'summarizer')!.id;
    const t2 = (await u.call('POST', '/threads', { body: { dataspace_id: dataspace, title: 'Comptoir' } }))
      .body.id;
    await u.call('POST', '/threads/{thread_id}/messages', {
      params: { thread_id: t2 },
      body: { body: 'Quartz ou granit ? Livraison en mars.' },
    });
    const body = { intentText: SUMMARIZE, threadId: t2 };
    const estimate = () => u.call('POST', '/agents/{id}/estimate', { params: { id: summarizer }, body });
    const footprint = async () =>
      (
        await sql`select (select count(*) from public.encoded_intents where identity_id = ${u.identityId})::int as intents,
                         (select count(*) from public.agent_executions where identity_id = ${u.identityId})::int as runs,
                         (select count(*) from public.token_transactions where identity_id = ${u.identityId})::int as postings,
                         (select count(*) from public.audit_log where identity_id = ${u.identityId})::int as audit,
                         (select count(*) from public.scope_locks where identity_id = ${u.identityId})::int as locks,
                         (select reserved::int from public.token_accounts where identity_id = ${u.identityId}) as reserved`
      )[0];
    const before = await footprint();
    const available = (await u.call('GET', '/tokens/balance')).body.available;
    const est = await estimate();
    expect(est.status, JSON.stringify(est.body)).toBe(200);
    expect(est.body).toMatchObject({
      accepted: true,
      refusal: null,
      agent: { id: summarizer, slug: 'summarizer' },
      taskType: 'summarize_thread',
      encoded: { passes: true },
      balance: { available },
    });
    expect(est.body.encoded.eqs).toBeGreaterThanOrEqual(est.body.encoded.minEqs);
    expect(est.body.estimate.tokens).toBeGreaterThan(0);
    expect(est.body.budgets.map((b: { scopeType: string }) => b.scopeType)).toContain('dataspace');
    expect(await footprint()).toEqual(before);

    // the run then reserves exactly what was estimated
    const run = await u.call('POST', '/agents/{id}/execute', {
      params: { id: summarizer },
      body,
      headers: { 'idempotency-key': 'run-estimated' },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.tokens.estimated).toBe(est.body.estimate.tokens);
    expect(run.body.eqs).toBe(est.body.encoded.eqs);

    // a one-token thread budget: the estimate names the scope that would refuse, still writing nothing
    const alloc = await u.call('POST', '/tokens/allocate', {
      body: { scopeType: 'thread', scopeId: t2, amount: 1 },
      headers: { 'idempotency-key': 'alloc-t2' },
    });
    expect(alloc.status, JSON.stringify(alloc.body)).toBe(201);
    const after = await footprint();
    const refused = await estimate();
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      accepted: false,
      refusal: { code: 'budget_exceeded', scope: { type: 'thread', id: t2 } },
    });
    expect(refused.body.budgets.find((b: { scopeId: string }) => b.scopeId === t2)).toMatchObject({
      amount: 1,
      remaining: 1,
    });
    expect(await footprint()).toEqual(after);
    const confirmed = await u.call('POST', '/agents/{id}/execute', {
      params: { id: summarizer },
      body,
      headers: { 'idempotency-key': 'run-over-budget' },
    });
    expect(confirmed.status).toBe(402);
    expect(confirmed.body.error.code).toBe('budget_exceeded');
    // one authority: the estimate asked the verdict the reservation raised, word for word
    expect(confirmed.body.error.message).toBe(refused.body.refusal.message);
    expect(confirmed.body.error.details.scope).toEqual(refused.body.refusal.scope);

    // the thread's own cap (threads.token_budget, set with the thread): named by the estimate and the run
    const t3 = (
      await u.call('POST', '/threads', {
        body: { dataspace_id: dataspace, title: 'Plafond', token_budget: 1 },
      })
    ).body.id;
    await u.call('POST', '/threads/{thread_id}/messages', {
      params: { thread_id: t3 },
      body: { body: 'Quartz ou granit ? Livraison en mars.' },
    });
    const capped = { intentText: SUMMARIZE, threadId: t3 };
    const capEstimate = await u.call('POST', '/agents/{id}/estimate', {
      params: { id: summarizer },
      body: capped,
    });
    expect(capEstimate.body).toMatchObject({
      accepted: false,
      refusal: { code: 'budget_exceeded', scope: { type: 'thread', id: t3 } },
    });
    const capRun = await u.call('POST', '/agents/{id}/execute', {
      params: { id: summarizer },
      body: capped,
      headers: { 'idempotency-key': 'run-over-thread-cap' },
    });
    expect(capRun.status).toBe(402);
    expect(capRun.body.error.code).toBe('budget_exceeded');
    expect(capRun.body.error.message).toContain(`thread ${t3}`);
    expect(capRun.body.error.message).toBe(capEstimate.body.refusal.message);

    // an unclear intent: EQS shown, no estimate
    const vague = await u.call('POST', '/agents/{id}/estimate', {
      params: { id: summarizer },
      body: { intentText: 'hmm', threadId: t2 },
    });
    expect(vague.status).toBe(200);
    expect(vague.body).toMatchObject({
      accepted: false,
      estimate: null,
      refusal: { code: 'encoding_rejected' },
    });

    // another user: u's thread does not exist for them, and an empty account is refused
    const broke = await newUser('estimator');
    // (onboarding granted it the free plan's tokens: spent here)
    await sql`select private.ledger_debit(${broke.identityId}::uuid, a.balance, ${`drain-${broke.id}`}, 'manual', null)
              from public.token_accounts a where a.identity_id = ${broke.identityId} and a.balance > 0`;
    const foreign = await broke.call('POST', '/agents/{id}/estimate', { params: { id: summarizer }, body });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('scope_not_reachable');
    const sphere = (await broke.call('POST', '/spheres', { body: { name: 'Chalet' } })).body;
    const ds = (await broke.call('POST', '/dataspaces', { body: { sphere_id: sphere.id, name: 'Toit' } }))
      .body;
    const poor = await broke.call('POST', '/agents/{id}/estimate', {
      params: { id: summarizer },
      body: {
        intentText: 'Résume les notes de ce dataspace en trois points, merci.',
        dataspaceId: ds.id,
        taskType: 'summarize_thread',
      },
    });
    expect(poor.status, JSON.stringify(poor.body)).toBe(200);
    expect(poor.body).toMatchObject({
      accepted: false,
      balance: { available: 0 },
      refusal: { code: 'insufficient_balance', scope: { type: 'identity', id: broke.identityId } },
    });
    const missing = await u.call('POST', '/agents/{id}/estimate', {
      params: { id: summarizer },
      body: { intentText: 'x' },
    });
    expect(missing.status).toBe(400);
  });

  it('refreshes a Nova context, records guidance and lists it', async () => {
    const ctx = await u.call('POST', '/nova/context', {
      body: { sessionId: 'session-1', dataspaceId: dataspace },
    });
    expect(ctx.status, JSON.stringify(ctx.body)).toBe(200);
    expect(ctx.body).toMatchObject({ sessionId: 'session-1', currentDataspaceId: dataspace });
    const list = await u.call('GET', '/nova/contexts/{id}/guidance', { params: { id: ctx.body.id } });
    expect(list.status).toBe(200);
    const suggestion = ctx.body.suggestions[0];
    if (suggestion) {
      const g = await u.call('POST', '/nova/guidance', {
        body: { contextId: ctx.body.id, suggestionId: suggestion.id, action: 'dismissed' },
      });
      expect(g.status).toBe(201);
    } else {
      const g = await u.call('POST', '/nova/guidance', {
        body: { contextId: ctx.body.id, suggestionId: 'stale_thread:none', action: 'dismissed' },
      });
      expect(g.status).toBe(404);
    }
  });

  it('holds a human_review run until a reviewer approves it, and lets the runner stop or a reviewer reject one', async () => {
    const reviewer = await newUser('reviewer');
    const agents = (await u.call('GET', '/agents')).body.data as { id: string; slug: string }[];
    const estimator = agents.find((a) => a.slug === 'estimator')!.id;
    // a dataspace of its own: the first one's budget was spent by the runs above
    const sphere = (await u.call('GET', '/spheres')).body.data[0].id as string;
    const works = (await u.call('POST', '/dataspaces', { body: { sphere_id: sphere, name: 'Travaux' } })).body
      .id;
    const quote = (await u.call('POST', '/threads', { body: { dataspace_id: works, title: 'Soumission' } }))
      .body.id;
    const hold = (key: string) =>
      u.call('POST', '/agents/{id}/execute', {
        params: { id: estimator },
        body: { intentText: 'Prépare une soumission pour les armoires', threadId: quote },
        headers: { 'idempotency-key': key },
      });
    const held = await hold('review-1');
    expect(held.status, JSON.stringify(held.body)).toBe(202);
    expect(held.body).toMatchObject({ status: 'awaiting_review' });
    const executionId = held.body.executionId as string;
    // the hold is kept while the run waits
    expect((await u.call('GET', '/tokens/balance')).body.reserved).toBeGreaterThan(0);
    // nobody but a reviewer of the deployment sees or decides it
    expect((await reviewer.call('GET', '/agents/reviews')).body).toEqual({ reviewer: false, data: [] });
    await sql`select private.set_staff_role(${reviewer.email}, 'reviewer', 'api test')`;
    try {
      const pending = await reviewer.call('GET', '/agents/reviews');
      expect(pending.status).toBe(200);
      expect(pending.body.data.map((r: { execution_id: string }) => r.execution_id)).toContain(executionId);
      const approved = await reviewer.call('POST', '/agents/executions/{id}/approve', {
        params: { id: executionId },
        body: { note: 'chiffres vérifiés' },
      });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body).toMatchObject({
        state: 'approved',
        run: { ok: true, agent: { slug: 'estimator' } },
      });
      expect((await u.call('GET', '/tokens/balance')).body.reserved).toBe(0);
      // a second hold, rejected: released, nothing written
      const second = await hold('review-2');
      const rejected = await reviewer.call('POST', '/agents/executions/{id}/reject', {
        params: { id: second.body.executionId },
        body: { note: 'hors budget' },
      });
      expect(rejected.body).toMatchObject({ state: 'rejected' });
      const replay = await hold('review-2');
      expect(replay.status).toBe(409);
      expect(replay.body.error.code).toBe('review_rejected');
      // a third, stopped by the runner while it waits
      const third = await hold('review-3');
      const stopped = await u.call('POST', '/agents/executions/{id}/cancel', {
        params: { id: third.body.executionId },
      });
      expect(stopped.body).toEqual({ executionId: third.body.executionId, status: 'cancelled' });
      expect((await u.call('GET', '/tokens/balance')).body.reserved).toBe(0);
      // the thread's runs, newest first, each with the status it ended in
      const runs = await u.call('GET', '/agents/executions', { query: { thread_id: quote } });
      expect(runs.body.data.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
        [third.body.executionId, 'cancelled'],
        [second.body.executionId, 'rejected'],
        [executionId, 'succeeded'],
      ]);
    } finally {
      await sql`select private.set_staff_role(${reviewer.email}, null, 'api test')`;
    }
  });

  it('documents every governed route it called', async () => {
    const doc = (await client().functions.invoke('docs/openapi.json', { method: 'GET' })).data;
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    for (const route of calledRoutes) expect(documented.has(route), route).toBe(true);
    const governed = [...documented].filter((r) => /^\w+ \/(agents|tokens|nova)\b/.test(r));
    expect(governed.filter((r) => !calledRoutes.has(r))).toEqual([]);
  });
});
