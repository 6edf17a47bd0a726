/**
 * The pipeline's own endpoints through supabase-js against the gateway and the functions under Deno:
 * semantic encoding (`GET /encoding/score`, profiles, encoded intents), scope locks
 * (`POST /governance/scope-lock`, release, list) and 1-Click workflows (CRUD of workflows and
 * steps, `POST /workflows/{id}/run` with Idempotency-Key replay, runs), for a fresh user whose
 * identity is credited through the ledger's own credit function. Another user only ever gets 404s.
 */
import { describe, expect, it } from 'vitest';
import { calledRoutes, useApi, type User } from './apiHarness.ts';

const { newUser, sql, client } = useApi();
const SUMMARIZE = "Peux-tu résumer ce fil de discussion, en liste à puces s'il te plaît ?";

describe('pipeline endpoints', () => {
  let u: User;
  let other: User;
  let dataspace: string;
  let thread: string;
  let executionId: string;

  it('sets up a user with a thread and tokens, and another user', async () => {
    u = await newUser('pipeline');
    other = await newUser('intruder');
    const sphere = (await u.call('POST', '/spheres', { body: { name: 'Maison' } })).body;
    dataspace = (await u.call('POST', '/dataspaces', { body: { sphere_id: sphere.id, name: 'Cuisine' } }))
      .body.id;
    thread = (await u.call('POST', '/threads', { body: { dataspace_id: dataspace, title: 'Armoires' } })).body
      .id;
    await u.call('POST', '/threads/{thread_id}/messages', {
      params: { thread_id: thread },
      body: { body: 'Érable ou chêne ? Le budget est de 8 000 $. Julie doit appeler le menuisier.' },
    });
    await sql`select private.ledger_credit(${u.identityId}::uuid, 100000, ${`credit-${u.id}`}, 'manual', null)`;
  });

  describe('encoding', () => {
    it('lists the profile catalog and its rules', async () => {
      const profiles = await u.call('GET', '/encoding/profiles');
      expect(profiles.status).toBe(200);
      const def = profiles.body.data.find((p: { is_default: boolean }) => p.is_default);
      expect(def).toBeDefined();
      expect((await u.call('GET', '/encoding/profiles/{id}', { params: { id: def.id } })).body.slug).toBe(
        def.slug,
      );
      const rules = await u.call('GET', '/encoding/profiles/{profile_id}/rules', {
        params: { profile_id: def.id },
        query: { limit: '100' },
      });
      expect(rules.status).toBe(200);
      expect(rules.body.data.length).toBeGreaterThan(0);
      expect(rules.body.data.every((r: { profile_id: string }) => r.profile_id === def.id)).toBe(true);
      const rule = await u.call('GET', '/encoding/profiles/{profile_id}/rules/{id}', {
        params: { profile_id: def.id, id: rules.body.data[0].id },
      });
      expect(rule.body.id).toBe(rules.body.data[0].id);
    });

    it('scores a clear intent in its thread: structured intent, EQS and tokens saved', async () => {
      const r = await u.call('GET', '/encoding/score', { query: { text: SUMMARIZE, thread_id: thread } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.intent).toMatchObject({
        taskType: 'summarize_thread',
        scope: { dataspaceId: dataspace, threadId: thread },
        language: 'fr',
      });
      expect(r.body.passes).toBe(true);
      expect(r.body.eqs).toBeGreaterThanOrEqual(r.body.minEqs);
      expect(r.body.tokensSaved).toBe(r.body.tokensOriginal - r.body.tokensEncoded);
      expect(r.body.tokensSaved).toBeGreaterThan(0);
      expect(r.body.encodedText).toContain('summarize_thread');
    });

    it('scores a vague intent lower and says why it does not pass', async () => {
      const clear = await u.call('GET', '/encoding/score', { query: { text: SUMMARIZE, thread_id: thread } });
      const vague = await u.call('GET', '/encoding/score', {
        query: { text: 'peut-être faire ça, je pense' },
      });
      expect(vague.status).toBe(200);
      expect(vague.body.eqs).toBeLessThan(clear.body.eqs);
      expect(vague.body.passes).toBe(false);
      expect(vague.body.issues.length).toBeGreaterThan(0);
      expect(vague.body.ambiguities.map((a: { signal: string }) => a.signal)).toContain('hedging');
    });

    it('refuses a missing text, an unknown profile and another identity’s thread', async () => {
      const missing = await u.call('GET', '/encoding/score', { query: { thread_id: thread } });
      expect(missing.status).toBe(400);
      expect(missing.body.error.details[0].path).toBe('query.text');
      const profile = await u.call('GET', '/encoding/score', {
        query: { text: SUMMARIZE, profile_id: '00000000-0000-4000-8000-000000000000' },
      });
      expect(profile.status).toBe(404);
      const theirs = await other.call('GET', '/encoding/score', {
        query: { text: SUMMARIZE, thread_id: thread },
      });
      expect(theirs.status).toBe(404);
      expect(JSON.stringify(theirs.body)).not.toContain(dataspace);
    });

    it('lists the intents a governed run encoded, to their identity only', async () => {
      const agents = (await u.call('GET', '/agents')).body.data as { id: string; slug: string }[];
      const run = await u.call('POST', '/agents/{id}/execute', {
        params: { id: agents.find((a) => a.slug === 'summarizer')!.id },
        body: { intentText: SUMMARIZE, threadId: thread },
        headers: { 'idempotency-key': 'pipeline-run-1' },
      });
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      executionId = run.body.executionId;
      const intents = await u.call('GET', '/encoding/intents', { query: { thread_id: thread } });
      expect(intents.status).toBe(200);
      expect(intents.body.data).toHaveLength(1);
      expect(intents.body.data[0]).toMatchObject({ original_text: SUMMARIZE, eqs: run.body.eqs });
      const one = await u.call('GET', '/encoding/intents/{id}', { params: { id: intents.body.data[0].id } });
      expect(one.body.thread_id).toBe(thread);
      expect((await other.call('GET', '/encoding/intents')).body.data).toEqual([]);
      const foreign = await other.call('GET', '/encoding/intents/{id}', {
        params: { id: intents.body.data[0].id },
      });
      expect(foreign.status).toBe(404);
    });
  });

  describe('scope locks', () => {
    it('locks a thread explicitly, lists it and releases it (idempotently)', async () => {
      const lock = await u.call('POST', '/governance/scope-lock', { body: { thread_id: thread } });
      expect(lock.status, JSON.stringify(lock.body)).toBe(201);
      expect(lock.body).toMatchObject({
        identity_id: u.identityId,
        execution_id: null,
        thread_id: thread,
        dataspace_ids: [dataspace],
        thread_ids: [thread],
        released_at: null,
        sensitive_memory_item_ids: [],
      });
      expect((await u.call('GET', '/threads/{id}', { params: { id: thread } })).body.scope_locked).toBe(true);
      const listed = await u.call('GET', '/governance/scope-lock', {
        query: { thread_id: thread, held: 'true' },
      });
      expect(listed.body.data.map((l: { id: string }) => l.id)).toEqual([lock.body.id]);
      const one = await u.call('GET', '/governance/scope-lock/{id}', { params: { id: lock.body.id } });
      expect(one.body.released_at).toBeNull();
      const release = () =>
        u.call('POST', '/governance/scope-lock/{id}/release', { params: { id: lock.body.id } });
      const released = await release();
      expect(released.status, JSON.stringify(released.body)).toBe(200);
      expect(released.body.released_at).not.toBeNull();
      expect((await u.call('GET', '/threads/{id}', { params: { id: thread } })).body.scope_locked).toBe(
        false,
      );
      const again = await release();
      expect(again.body.released_at).toBe(released.body.released_at);
      const audit = await u.call('GET', '/governance/audit', { query: { limit: '20' } });
      expect(audit.body.data.map((a: { action: string }) => a.action)).toEqual(
        expect.arrayContaining(['scope_lock.acquired', 'scope_lock.released']),
      );
    });

    it('locks a whole dataspace, and the scope of a finished run as that run’s', async () => {
      const ds = await u.call('POST', '/governance/scope-lock', { body: { dataspace_id: dataspace } });
      expect(ds.status, JSON.stringify(ds.body)).toBe(201);
      expect(ds.body).toMatchObject({ dataspace_ids: [dataspace], thread_ids: [], thread_id: null });
      const run = await u.call('POST', '/governance/scope-lock', { body: { execution_id: executionId } });
      expect(run.status, JSON.stringify(run.body)).toBe(201);
      expect(run.body).toMatchObject({ execution_id: executionId, thread_ids: [thread] });
      // one held lock per run
      const twice = await u.call('POST', '/governance/scope-lock', { body: { execution_id: executionId } });
      expect(twice.status).toBe(409);
      const byRun = await u.call('GET', '/governance/scope-lock', {
        query: { execution_id: executionId, held: 'true' },
      });
      expect(byRun.body.data.map((l: { id: string }) => l.id)).toEqual([run.body.id]);
      // the run's own lock (acquired and released by the pipeline) and this one, a page each
      const page1 = await u.call('GET', '/governance/scope-lock', {
        query: { execution_id: executionId, limit: '1' },
      });
      expect(page1.body.data.map((l: { id: string }) => l.id)).toEqual([run.body.id]);
      const page2 = await u.call('GET', '/governance/scope-lock', {
        query: { execution_id: executionId, limit: '1', cursor: page1.body.next_cursor },
      });
      expect(page2.body.data).toHaveLength(1);
      expect(page2.body.data[0].released_at).not.toBeNull();
      expect(page2.body.next_cursor).toBeNull();
      for (const id of [ds.body.id, run.body.id]) {
        const r = await u.call('POST', '/governance/scope-lock/{id}/release', { params: { id } });
        expect(r.status).toBe(200);
      }
    });

    it('refuses an empty body, a thread outside the dataspace, and another identity’s scope or lock', async () => {
      const empty = await u.call('POST', '/governance/scope-lock', { body: {} });
      expect(empty.status).toBe(400);
      expect(empty.body.error.details[0].path).toBe('body.thread_id');
      const otherSphere = (await other.call('POST', '/spheres', { body: { name: 'Chalet' } })).body;
      const otherDs = (
        await other.call('POST', '/dataspaces', { body: { sphere_id: otherSphere.id, name: 'Toit' } })
      ).body.id;
      const mismatch = await u.call('POST', '/governance/scope-lock', {
        body: { thread_id: thread, dataspace_id: otherDs },
      });
      expect(mismatch.status).toBe(400);
      for (const body of [
        { thread_id: thread },
        { dataspace_id: dataspace },
        { execution_id: executionId },
      ]) {
        const r = await other.call('POST', '/governance/scope-lock', { body });
        expect(r.status, JSON.stringify(body)).toBe(404);
      }
      const mine = (await u.call('POST', '/governance/scope-lock', { body: { thread_id: thread } })).body;
      const steal = await other.call('POST', '/governance/scope-lock/{id}/release', {
        params: { id: mine.id },
      });
      expect(steal.status).toBe(404);
      expect(
        (await other.call('GET', '/governance/scope-lock/{id}', { params: { id: mine.id } })).status,
      ).toBe(404);
      expect((await u.call('GET', '/threads/{id}', { params: { id: thread } })).body.scope_locked).toBe(true);
      await u.call('POST', '/governance/scope-lock/{id}/release', { params: { id: mine.id } });
    });
  });

  describe('1-Click workflows', () => {
    let workflow: string;

    it('creates a workflow with ordered steps, and edits them', async () => {
      const wf = await u.call('POST', '/workflows', {
        body: { name: 'Résumé du fil', dataspace_id: dataspace, trigger_config: { source: 'test' } },
      });
      expect(wf.status, JSON.stringify(wf.body)).toBe(201);
      workflow = wf.body.id;
      expect(wf.body).toMatchObject({ identity_id: u.identityId, trigger: 'manual', active: true });
      const p = { workflow_id: workflow };
      const steps = [
        { position: 1, name: 'Résumer le fil', step_type: 'agent', task_type: 'summarize_thread' },
        {
          position: 2,
          name: 'Garder le résumé',
          step_type: 'transform',
          input_mapping: { points: '$.steps.1.summary', thread: '$.workflow.thread_id' },
        },
        {
          position: 3,
          name: 'Prévenir',
          step_type: 'notify',
          optional: true,
          input_mapping: { body: '$.workflow.input.note' },
          conditions: { if: '$.steps.1.summary.length > 0' },
        },
      ];
      const ids: string[] = [];
      for (const body of steps) {
        const s = await u.call('POST', '/workflows/{workflow_id}/steps', { params: p, body });
        expect(s.status, JSON.stringify(s.body)).toBe(201);
        ids.push(s.body.id);
      }
      const listed = await u.call('GET', '/workflows/{workflow_id}/steps', { params: p });
      expect(listed.body.data.map((s: { position: number }) => s.position).sort()).toEqual([1, 2, 3]);
      const patched = await u.call('PATCH', '/workflows/{workflow_id}/steps/{id}', {
        params: { ...p, id: ids[0]! },
        body: { timeout_ms: 20000 },
      });
      expect(patched.body.timeout_ms).toBe(20000);
      expect(
        (await u.call('GET', '/workflows/{workflow_id}/steps/{id}', { params: { ...p, id: ids[0]! } })).body
          .task_type,
      ).toBe('summarize_thread');
      const bad = await u.call('POST', '/workflows/{workflow_id}/steps', {
        params: p,
        body: { position: 4, step_type: 'agent', task_type: 'Pas Valide' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe('body.task_type');
      const renamed = await u.call('PATCH', '/workflows/{id}', {
        params: { id: workflow },
        body: { description: 'Résume le fil et prévient' },
      });
      expect(renamed.body.description).toBe('Résume le fil et prévient');
      expect((await u.call('GET', '/workflows/{id}', { params: { id: workflow } })).body.name).toBe(
        'Résumé du fil',
      );
      const active = await u.call('GET', '/workflows', { query: { dataspace_id: dataspace } });
      expect(active.body.data.map((w: { id: string }) => w.id)).toEqual([workflow]);
      expect((await other.call('GET', '/workflows/{id}', { params: { id: workflow } })).status).toBe(404);
      const intrude = await other.call('POST', '/workflows/{workflow_id}/steps', {
        params: p,
        body: { position: 9, step_type: 'transform' },
      });
      expect(intrude.status).toBe(404);
    });

    it('runs it through the governed pipeline once per Idempotency-Key, settling the tokens', async () => {
      const before = (await u.call('GET', '/tokens/balance')).body.balance;
      const run = (key?: string, input: Record<string, unknown> = { note: 'Résumé prêt' }) =>
        u.call('POST', '/workflows/{id}/run', {
          params: { id: workflow },
          body: { threadId: thread, input },
          headers: key ? { 'idempotency-key': key } : {},
        });
      const noKey = await run();
      expect(noKey.status).toBe(400);
      expect(noKey.body.error.details[0].path).toBe('headers.idempotency-key');
      const first = await run('wf-run-1');
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body).toMatchObject({ ok: true, status: 'succeeded', replayed: false });
      expect(first.body.steps.map((s: { status: string }) => s.status)).toEqual([
        'succeeded',
        'succeeded',
        'succeeded',
      ]);
      expect(first.body.steps[1].output.thread).toBe(thread);
      expect(first.body.tokensUsed).toBeGreaterThan(0);
      expect(first.body.tokensUsed).toBeLessThanOrEqual(first.body.tokensReserved);
      const again = await run('wf-run-1');
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ runId: first.body.runId, replayed: true });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const balance = (await u.call('GET', '/tokens/balance')).body;
      expect(balance).toMatchObject({ balance: before - first.body.tokensUsed, reserved: 0 });
      const reused = await run('wf-run-1', { note: 'autre chose' });
      // one contract on every route: a key reused with another request is a 422
      expect(reused.status).toBe(422);
      expect(reused.body.error.code).toBe('idempotency_key_reused');
      const runs = await u.call('GET', '/workflows/{workflow_id}/runs', {
        params: { workflow_id: workflow },
      });
      expect(runs.body.data).toHaveLength(1);
      expect(runs.body.data[0]).toMatchObject({ id: first.body.runId, status: 'succeeded' });
      expect(runs.body.data[0].request_hash).toBeUndefined();
      const one = await u.call('GET', '/workflows/{workflow_id}/runs/{id}', {
        params: { workflow_id: workflow, id: first.body.runId },
      });
      expect(one.body.tokens_used).toBe(first.body.tokensUsed);
      const theirs = await other.call('POST', '/workflows/{id}/run', {
        params: { id: workflow },
        body: { threadId: thread },
        headers: { 'idempotency-key': 'wf-steal' },
      });
      expect(theirs.status).toBe(404);
    });

    it('refuses a step whose condition is not in the expression language', async () => {
      const wf = (
        await u.call('POST', '/workflows', { body: { name: 'Mal écrit', dataspace_id: dataspace } })
      ).body;
      for (const conditions of [{ if: 'n’importe quoi' }, { if: { method: ['', 'constructor'] } }]) {
        const bad = await u.call('POST', '/workflows/{workflow_id}/steps', {
          params: { workflow_id: wf.id },
          body: { position: 1, step_type: 'transform', conditions },
        });
        expect(bad.status, JSON.stringify(bad.body)).toBe(400);
        expect(bad.body.error.details[0].path).toBe('body.conditions');
      }
      expect((await u.call('DELETE', '/workflows/{id}', { params: { id: wf.id } })).status).toBe(204);
    });

    it('answers a failed required step with step_failed and the steps so far', async () => {
      const wf = (await u.call('POST', '/workflows', { body: { name: 'Cassé', dataspace_id: dataspace } }))
        .body;
      // the estimator needs a human review, which a workflow step cannot wait for: the step fails
      await u.call('POST', '/workflows/{workflow_id}/steps', {
        params: { workflow_id: wf.id },
        body: { position: 1, step_type: 'agent', task_type: 'draft_estimate', name: 'Estimer' },
      });
      const r = await u.call('POST', '/workflows/{id}/run', {
        params: { id: wf.id },
        body: {},
        headers: { 'idempotency-key': 'wf-broken-1' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body.error.code).toBe('step_failed');
      expect(r.body.error.details.steps[0]).toMatchObject({
        position: 1,
        status: 'failed',
        error: { code: 'review_required' },
      });
      const runs = await u.call('GET', '/workflows/{workflow_id}/runs', {
        params: { workflow_id: wf.id },
        query: { status: 'failed' },
      });
      expect(runs.body.data).toHaveLength(1);
      expect((await u.call('DELETE', '/workflows/{id}', { params: { id: wf.id } })).status).toBe(204);
    });

    it('deletes steps and the workflow', async () => {
      const p = { workflow_id: workflow };
      const steps = (await u.call('GET', '/workflows/{workflow_id}/steps', { params: p })).body.data;
      const del = await u.call('DELETE', '/workflows/{workflow_id}/steps/{id}', {
        params: { ...p, id: steps[0].id },
      });
      expect(del.status).toBe(204);
      expect((await u.call('DELETE', '/workflows/{id}', { params: { id: workflow } })).status).toBe(204);
      expect((await u.call('GET', '/workflows/{id}', { params: { id: workflow } })).status).toBe(404);
    });
  });

  it('documents every route it called, and calls every encoding, scope-lock and workflow route', async () => {
    const doc = (await client().functions.invoke('docs/openapi.json', { method: 'GET' })).data;
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    for (const route of calledRoutes) expect(documented.has(route), route).toBe(true);
    const mine = [...documented].filter((r) =>
      /^\w+ \/(encoding|workflows|governance\/scope-lock)\b/.test(r),
    );
    expect(mine.length).toBeGreaterThanOrEqual(20);
    expect(mine.filter((r) => !calledRoutes.has(r))).toEqual([]);
  });
});
