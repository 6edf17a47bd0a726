/**
 * The client's plans and reviews stores on the real stack (gateway, Deno functions, Postgres): a
 * person subscribes, schedules a change and a cancellation; a reviewer sees the run another person
 * left awaiting review and approves it; someone who is no reviewer gets no reviews panel at all.
 * And the live-answer store assembles a run's streamed chunks in order.
 */
import { describe, expect, it } from 'vitest';
import { createChenuApi } from '../../../client/api/chenuApi.ts';
import { createPlansStore } from '../../../client/plans/plansStore.ts';
import { createReviewsStore } from '../../../client/reviews/reviewsStore.ts';
import { agentStreams, applyAgentStream } from '../../../client/threads/agentStreams.ts';
import { useClientStack } from '../../e2e/clientStack.ts';

const stack = useClientStack('plans_reviews');

describe('plans store', () => {
  it('subscribes, then schedules a change and a cancellation at the period end', async () => {
    const { sb } = await stack.newUser('plans');
    const plans = createPlansStore(createChenuApi(sb));
    await plans.load();
    const id = (slug: string) => plans.getState().plans.find((p) => p.slug === slug)!.id;
    // sign-up starts everyone on the free plan, which gives way at once to a paid one
    expect(plans.getState().current).toMatchObject({ plan_id: id('free') });
    await plans.choose(id('starter'));
    expect(plans.getState()).toMatchObject({
      error: null,
      current: { plan_id: id('starter'), status: 'active' },
    });
    await plans.choose(id('pro'));
    expect(plans.getState().current).toMatchObject({ plan_id: id('starter'), pending_plan_id: id('pro') });
    await plans.cancel();
    expect(plans.getState().current).toMatchObject({ cancel_at_period_end: true, pending_plan_id: null });
  });
});

describe('reviews store', () => {
  it('stays hidden for non-reviewers, lists and approves for a reviewer', async () => {
    const runner = await stack.newUser('runner');
    const reviewer = await stack.newUser('reviewer');
    const runnerApi = createChenuApi(runner.sb);
    await stack.sql()`select private.ledger_credit(${runner.identityId}::uuid, 50000, ${`c-${runner.userId}`}, 'manual', null)`;
    const sphere = (await runner.sb.functions.invoke('spheres', { method: 'POST', body: { name: 'Perso' } }))
      .data;
    const ds = (
      await runner.sb.functions.invoke('dataspaces', {
        method: 'POST',
        body: { sphere_id: sphere.id, name: 'Travaux' },
      })
    ).data;
    const thread = (
      await runner.sb.functions.invoke('threads', {
        method: 'POST',
        body: { dataspace_id: ds.id, title: 'Devis' },
      })
    ).data;
    const estimator = (await runnerApi.agents()).data.find((a) => a.slug === 'estimator')!;
    const held = await runnerApi.execute(
      estimator.id,
      { intentText: 'Prépare une soumission', threadId: thread.id },
      crypto.randomUUID(),
    );
    expect('status' in held && held.status).toBe('awaiting_review');

    const reviews = createReviewsStore(createChenuApi(reviewer.sb));
    await reviews.load();
    expect(reviews.getState().pending).toBeNull();
    await stack.sql()`select private.set_staff_role(${(await reviewer.sb.auth.getUser()).data.user!.email!}, 'reviewer', 'test')`;
    await reviews.load();
    const pending = reviews.getState().pending!;
    expect(pending.map((r) => r.dataspace_name)).toContain('Travaux');
    const executionId = 'executionId' in held ? held.executionId : '';
    await reviews.decide(executionId, 'approve', 'ok');
    expect(reviews.getState().error).toBeNull();
    expect(reviews.getState().pending!.map((r) => r.execution_id)).not.toContain(executionId);
  });
});

describe('live answers', () => {
  it('assembles streamed chunks per run and drops a run when its stream ends', () => {
    const event = (seq: number, data: Record<string, unknown>) => ({
      table: 'agent_stream',
      op: 'UPDATE' as const,
      id: 'run-1',
      identityId: null,
      data: {
        threadId: 't-1',
        seq,
        agent: 'openai-compatible',
        model: 'llama-3.1-8b-instruct',
        runner: 'identity-1',
        ...data,
      },
    });
    expect(applyAgentStream({ ...event(0, {}), table: 'messages' })).toBe(false);
    applyAgentStream(event(0, { delta: 'Bon' }));
    applyAgentStream(event(1, { delta: 'jour' }));
    expect(agentStreams.getState().runs['run-1']).toMatchObject({
      text: 'Bonjour',
      done: false,
      model: 'llama-3.1-8b-instruct',
      runner: 'identity-1',
    });
    // the end of the stream removes the preview: the settled message arrives in the thread
    applyAgentStream(event(2, { delta: '', done: true }));
    expect(agentStreams.getState().runs).toEqual({});
  });
});
