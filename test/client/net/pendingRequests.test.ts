import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPendingRequests, type FeedFailure } from '../../../client/net/pendingRequests.ts';

const lost: FeedFailure = { ok: false, reason: 'offline', message: 'down' };
type Replies = { grab: undefined; placeObject: { readonly objectId: string } };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Sends through `requests` and returns the promise and the id the request went out with. */
function sent<K extends keyof Replies>(
  requests: ReturnType<typeof createPendingRequests<Replies>>,
  kind: K,
  options?: Parameters<typeof requests.request>[2],
) {
  let rid = 0;
  const answer = requests.request(kind, (id) => (rid = id), options);
  return { answer, rid };
}

describe('pending requests', () => {
  it('gives each request the next id and resolves it with the reply naming that id and kind', async () => {
    const requests = createPendingRequests<Replies>({ timeoutMs: 1000, whenLost: lost });
    const a = sent(requests, 'grab');
    const b = sent(requests, 'placeObject');
    expect([a.rid, b.rid]).toEqual([1, 2]);
    // a reply of another kind, or for an id nobody waits on, settles nothing
    expect(requests.resolve('grab', b.rid, { ok: true, value: undefined })).toBe(false);
    expect(requests.resolve('grab', 99, { ok: true, value: undefined })).toBe(false);
    expect(requests.resolve('placeObject', b.rid, { ok: true, value: { objectId: 'o' } })).toBe(true);
    expect(await b.answer).toEqual({ ok: true, value: { objectId: 'o' } });
    expect(requests.size).toBe(1);
    // answered once: a second reply is ignored
    expect(requests.resolve('placeObject', b.rid, { ok: true, value: { objectId: 'p' } })).toBe(false);
    expect(requests.reject(a.rid, { ok: false, reason: 'locked', message: 'held' })).toBe(true);
    expect(await a.answer).toEqual({ ok: false, reason: 'locked', message: 'held' });
    expect(requests.size).toBe(0);
  });

  it('answers an unanswered request as lost after the timeout, and ignores its late reply', async () => {
    const requests = createPendingRequests<Replies>({ timeoutMs: 1000, whenLost: lost });
    const a = sent(requests, 'grab');
    await vi.advanceTimersByTimeAsync(999);
    expect(requests.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await a.answer).toBe(lost);
    expect(requests.resolve('grab', a.rid, { ok: true, value: undefined })).toBe(false);
  });

  it('supersedes an earlier request under the same key, and settles all on a lost connection', async () => {
    const requests = createPendingRequests<Replies>({ timeoutMs: 1000, whenLost: lost });
    const superseded: FeedFailure = { ok: false, reason: 'invalid', message: 'again' };
    const first = sent(requests, 'grab', { key: 'o1', superseded });
    const second = sent(requests, 'grab', { key: 'o1', superseded });
    const other = sent(requests, 'grab', { key: 'o2' });
    expect(await first.answer).toBe(superseded);
    expect(requests.size).toBe(2);
    requests.settleAll(lost);
    expect(await second.answer).toBe(lost);
    expect(await other.answer).toBe(lost);
    expect(requests.size).toBe(0);
    // the ids go on growing: the room refuses one it has seen
    expect(sent(requests, 'grab').rid).toBe(4);
    // no timer left behind by settled requests
    requests.settleAll(lost);
    expect(vi.getTimerCount()).toBe(0);
  });
});
