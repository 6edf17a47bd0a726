/**
 * A thread's governed runs through the API (`GET /agents/executions?thread_id=`), with DIFFERENT
 * USERS: Alice runs agents in a thread of a dataspace she shared with Bob; Bob, a member, lists the
 * runs and sees each one's agent, status and tokens, newest first and a page at a time; Carol, who
 * is no member, sees nothing (the 404 of a thread that does not exist).
 */
import { describe, expect, it } from 'vitest';
import { useApi, type User } from './apiHarness.ts';
import { agentId, shareThread, SUMMARIZE, type SharedThread } from '../helpers/sharedThread.ts';

const { newUser, sql } = useApi();

interface Run {
  id: string;
  thread_id: string;
  agent_slug: string | null;
  agent_name: string | null;
  status: string;
  tokens_estimated: number;
  tokens_reserved: number;
  tokens_used: number;
  runner_identity_id: string | null;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
}

describe('a thread’s agent runs', () => {
  let alice: User;
  let bob: User;
  let place: SharedThread;
  let settled: { executionId: string; tokens: { used: number; estimated: number } };
  let held: string;

  const list = (user: User, query: Record<string, string>) =>
    user.call<{ data: Run[]; next_cursor: string | null }>('GET', '/agents/executions', { query });

  it('lists a run Alice settled to Bob, a member, with its agent, status and tokens', async () => {
    alice = await newUser('alice');
    bob = await newUser('bob');
    place = await shareThread(sql, alice, bob);
    // before any run: an empty page, not a 404 (the thread is Bob's to read)
    const empty = await list(bob, { thread_id: place.thread });
    expect(empty.status, JSON.stringify(empty.body)).toBe(200);
    expect(empty.body).toEqual({ data: [], next_cursor: null });

    const run = await alice.call('POST', '/agents/{id}/execute', {
      params: { id: await agentId(alice, 'summarizer') },
      body: { intentText: SUMMARIZE, threadId: place.thread },
      headers: { 'idempotency-key': 'runs-list-1' },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    settled = run.body;

    const seen = await list(bob, { thread_id: place.thread });
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    expect(seen.body.next_cursor).toBeNull();
    expect(seen.body.data).toHaveLength(1);
    const [r] = seen.body.data;
    expect(r).toMatchObject({
      id: settled.executionId,
      thread_id: place.thread,
      agent_slug: 'summarizer',
      status: 'succeeded',
      tokens_used: settled.tokens.used,
      tokens_estimated: settled.tokens.estimated,
      runner_identity_id: alice.identityId,
    });
    expect(r!.agent_name).toEqual(expect.any(String));
    expect(Date.parse(r!.finished_at!)).toBeGreaterThanOrEqual(Date.parse(r!.started_at!));
    // nothing the list does not name leaves (the agent input kept for a review, the result, the key)
    expect(r).not.toHaveProperty('review');
    expect(r).not.toHaveProperty('result');
    expect(r).not.toHaveProperty('idempotency_key');
  });

  it('shows a run held for review as awaiting review, newest first, to Bob and to Alice alike', async () => {
    const estimate = await alice.call('POST', '/agents/{id}/execute', {
      params: { id: await agentId(alice, 'estimator') },
      body: { intentText: 'Prépare une soumission pour la toiture', threadId: place.thread },
      headers: { 'idempotency-key': 'runs-list-2' },
    });
    expect(estimate.status, JSON.stringify(estimate.body)).toBe(202);
    held = estimate.body.executionId;
    for (const who of [bob, alice]) {
      const page = await list(who, { thread_id: place.thread });
      expect(page.body.data.map((x) => [x.id, x.status])).toEqual([
        [held, 'awaiting_review'],
        [settled.executionId, 'succeeded'],
      ]);
      expect(page.body.data[0]!.tokens_reserved).toBeGreaterThan(0);
    }
  });

  it('follows a status change: the runner stops the held run and Bob sees it cancelled', async () => {
    const stop = await alice.call('POST', '/agents/executions/{id}/cancel', { params: { id: held } });
    expect(stop.body).toMatchObject({ status: 'cancelled' });
    const page = await list(bob, { thread_id: place.thread });
    expect(page.body.data[0]).toMatchObject({ id: held, status: 'cancelled' });
    expect(page.body.data[0]!.finished_at).not.toBeNull();
  });

  it('pages with limit and cursor, newest first, without repeating or skipping a run', async () => {
    const first = await list(bob, { thread_id: place.thread, limit: '1' });
    expect(first.body.data.map((x) => x.id)).toEqual([held]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await list(bob, {
      thread_id: place.thread,
      limit: '1',
      cursor: first.body.next_cursor!,
    });
    expect(second.body.data.map((x) => x.id)).toEqual([settled.executionId]);
    expect(second.body.next_cursor).toBeNull();
  });

  it('shows a non-member nothing: the same 404 as a thread that exists nowhere', async () => {
    const carol = await newUser('carol');
    const theirs = await list(carol, { thread_id: place.thread });
    const nowhere = await list(carol, { thread_id: crypto.randomUUID() });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(nowhere.body);
    expect((theirs.body as unknown as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('takes the runs away from Bob when Alice removes him', async () => {
    const removed = await alice.call('DELETE', '/dataspaces/{id}/members/{member_id}', {
      params: { id: place.space, member_id: place.membership },
    });
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    expect((await list(bob, { thread_id: place.thread })).status).toBe(404);
    // Alice still reads her thread's runs
    expect((await list(alice, { thread_id: place.thread })).body.data).toHaveLength(2);
  });
});
