/**
 * Door: the list of a thread's governed runs (`GET /agents/executions?thread_id=`), through the real
 * gateway and Deno, as an attacker would try it: anonymous; a signed-in stranger naming the thread
 * (and forging the query parameters other lists honour: identity_id, dataspace_id); a meeting seat
 * reaching past its meeting's thread; bad ids, limits out of range and forged or SQL-shaped cursors.
 * A thread the caller may not read is the same 404 as one that exists nowhere (no oracle); bad input
 * is a 400 before any statement; nothing is written either way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeKeysetCursor } from '../../shared/api/cursor.ts';
import { useApi, type User } from '../api/apiHarness.ts';
import { agentId, shareThread, SUMMARIZE, type SharedThread } from '../helpers/sharedThread.ts';

const { newUser, freshEmail, sql, client, api } = useApi();

let alice: User;
let bob: User;
let mallory: User;
let place: SharedThread;
let run: string;

const list = (user: User, query: Record<string, string>) => user.call('GET', '/agents/executions', { query });

beforeAll(async () => {
  alice = await newUser('alice');
  bob = await newUser('bob');
  mallory = await newUser('mallory');
  place = await shareThread(sql, alice, bob, 'viewer');
  const r = await alice.call('POST', '/agents/{id}/execute', {
    params: { id: await agentId(alice, 'summarizer') },
    body: { intentText: SUMMARIZE, threadId: place.thread },
    headers: { 'idempotency-key': 'door-runs-1' },
  });
  if (r.status !== 200) throw new Error(`run failed: ${JSON.stringify(r.body)}`);
  run = r.body.executionId;
});

describe('thread runs list door', () => {
  it('refuses an anonymous caller (the anon key alone, and no credentials at all)', async () => {
    const { data, error } = await client().functions.invoke(`agents/executions?thread_id=${place.thread}`, {
      method: 'GET',
    });
    expect(data).toBeNull();
    const res = (error as { context: Response }).context;
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
    const bare = await fetch(`${api().url}/functions/v1/agents/executions?thread_id=${place.thread}`);
    expect(bare.status).toBe(401);
    expect((await bare.json()).error).toMatchObject({ code: 'unauthorized', message: expect.any(String) });
  });

  it('answers a stranger naming the thread as for a thread that exists nowhere, forged parameters or not', async () => {
    const nowhere = await list(mallory, { thread_id: crypto.randomUUID() });
    expect(nowhere.status).toBe(404);
    const forgeries: Record<string, string>[] = [
      {},
      { identity_id: alice.identityId },
      { dataspace_id: place.space },
      { identity_id: alice.identityId, dataspace_id: place.space, status: 'succeeded' },
    ];
    for (const forged of forgeries) {
      const theirs = await list(mallory, { thread_id: place.thread, ...forged });
      expect(theirs.status, JSON.stringify(forged)).toBe(404);
      expect(theirs.body).toEqual(nowhere.body);
    }
  });

  it('ignores forged parameters for a member too: the thread decides, never identity_id', async () => {
    const plain = await list(bob, { thread_id: place.thread });
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
    expect(plain.body.data.map((r: { id: string }) => r.id)).toEqual([run]);
    const forged = await list(bob, { thread_id: place.thread, identity_id: mallory.identityId });
    expect(forged.body).toEqual(plain.body);
  });

  it("reaches a meeting seat's thread only, never the other threads of the dataspace", async () => {
    const meetingThread = (
      await alice.call('POST', '/threads', { body: { dataspace_id: place.space, title: 'Réunion' } })
    ).body.id as string;
    const meeting = (
      await alice.call('POST', '/meetings', {
        body: {
          dataspace_id: place.space,
          thread_id: meetingThread,
          title: 'Couvreur',
          scheduled_at: new Date(Date.now() + 86_400_000).toISOString(),
        },
      })
    ).body.id as string;
    const seatRun = await alice.call('POST', '/agents/{id}/execute', {
      params: { id: await agentId(alice, 'summarizer') },
      body: { intentText: SUMMARIZE, threadId: meetingThread },
      headers: { 'idempotency-key': 'door-runs-2' },
    });
    expect(seatRun.status, JSON.stringify(seatRun.body)).toBe(200);
    const erinEmail = freshEmail('erin');
    const erin = await newUser('erin', erinEmail);
    const inv = await alice.call('POST', '/meetings/{meeting_id}/invitations', {
      params: { meeting_id: meeting },
      body: { email: erinEmail, role: 'viewer' },
    });
    expect(inv.status, JSON.stringify(inv.body)).toBe(201);
    const accepted = await erin.call('POST', '/invitations/{id}/accept', {
      params: { id: inv.body.id },
      body: { identity_id: erin.identityId },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    // the seat reads its meeting's thread, so its runs
    const seen = await list(erin, { thread_id: meetingThread });
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    expect(seen.body.data.map((r: { id: string }) => r.id)).toEqual([seatRun.body.executionId]);
    // and nothing of the dataspace's other thread
    const other = await list(erin, { thread_id: place.thread, dataspace_id: place.space });
    expect(other.status).toBe(404);
  });

  it('refuses a thread id that is no uuid, or none, with a 400 naming the field', async () => {
    for (const bad of ['abc', `${place.thread}'--`, "' or 1=1 --", place.thread.slice(0, 35), '']) {
      const r = await list(bob, { thread_id: bad });
      expect(r.status, bad).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'validation_failed', message: expect.any(String) });
      expect(r.body.error.details[0].path).toBe('query.thread_id');
    }
    const none = await list(bob, {});
    expect(none.status).toBe(400);
    expect(none.body.error.details[0].path).toBe('query.thread_id');
  });

  it('refuses a limit out of range or not an integer; 1 and 100 are served', async () => {
    for (const limit of ['0', '-1', '101', '1000000000', '1e9', '2.5', 'abc', 'NaN', 'Infinity']) {
      const r = await list(bob, { thread_id: place.thread, limit });
      expect(r.status, limit).toBe(400);
      expect(r.body.error.code, limit).toBe('validation_failed');
      expect(r.body.error.details[0].path).toBe('query.limit');
    }
    for (const limit of ['1', '100']) {
      const r = await list(bob, { thread_id: place.thread, limit });
      expect(r.status, limit).toBe(200);
      expect(r.body.data).toHaveLength(1);
    }
  });

  it('refuses a cursor the API did not make, SQL-shaped or forged, and writes nothing', async () => {
    const [before] = await sql`select count(*)::int as n from public.agent_executions`;
    const stamp = new Date().toISOString();
    const forged = [
      "' or 1=1 --",
      "1'); delete from public.agent_executions; --",
      Buffer.from(`["${stamp}' or 1=1 --","${run}"]`).toString('base64url'),
      Buffer.from(JSON.stringify(['not a date', run])).toString('base64url'),
      Buffer.from(JSON.stringify([stamp, "x' or '1'='1"])).toString('base64url'),
      Buffer.from(JSON.stringify({ created_at: stamp, id: run })).toString('base64url'),
      'A'.repeat(5000),
    ];
    for (const cursor of forged) {
      const r = await list(bob, { thread_id: place.thread, cursor });
      expect(r.status, cursor.slice(0, 40)).toBe(400);
      expect(r.body.error.code, cursor.slice(0, 40)).toBe('invalid_cursor');
    }
    // a well-made cursor answers from where it points, nothing more: before every run, an empty
    // page for the member, the stranger's 404 for anyone else
    const real = encodeKeysetCursor(
      new Date(Date.now() - 365 * 86_400_000).toISOString(),
      crypto.randomUUID(),
    );
    const r = await list(bob, { thread_id: place.thread, cursor: real });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: [], next_cursor: null });
    expect((await list(mallory, { thread_id: place.thread, cursor: real })).status).toBe(404);
    const [after] = await sql`select count(*)::int as n from public.agent_executions`;
    expect(after!.n).toBe(before!.n);
  });
});
