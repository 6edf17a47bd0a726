import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  CAST,
  clientAs,
  createDataspace,
  grantElevation,
  mintToken,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
} from './realtimeHarness.ts';

const LOCK_MS = 300;
let h: Harness;
let dataspaceId: string;
const identity = [0, 1.6, 0, 0, 0, 0, 1] as const;

beforeAll(async () => {
  h = await startHarness({ grabLockMs: LOCK_MS, writeBehindMs: 50 });
  dataspaceId = await createDataspace(h.sql, 'a1');
  await grantElevation(h.sql, 'b1', 'a1', dataspaceId, 'write');
});
afterAll(() => h.stop());

async function join(persona: 'a1' | 'b1', id = dataspaceId): Promise<SdkRoom<unknown, SpatialState>> {
  const client = await clientAs(h, persona);
  const room = await client.joinOrCreate<SpatialState>('spatial', { dataspaceId: id });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

describe('SpatialRoom', () => {
  it('admits the owner as host and an elevated identity as participant, with names from the database', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    expect(bob.roomId).toBe(alice.roomId);
    await untilState(alice, (s) => s.avatars.size === 2);
    const a = alice.state.avatars.get(alice.sessionId)!;
    const b = alice.state.avatars.get(bob.sessionId)!;
    expect([a.role, a.identityId, a.displayName]).toEqual(['host', CAST.a1, 'Alice']);
    expect([b.role, b.identityId]).toEqual(['participant', CAST.b1]);
    await bob.leave();
    await untilState(alice, (s) => s.avatars.size === 1);
    await alice.leave();
  });

  it('refuses a join without a token, with an expired token, a forged one, and for a dataspace RLS hides', async () => {
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => 'joined',
        (e: Error) => e.message,
      );
    const anonymous = h.client(null);
    expect(await refusal(anonymous.joinOrCreate('spatial', { dataspaceId }))).toMatch(/no access token/);
    const expired = await clientAs(h, 'a1', { expiresInSeconds: -120 });
    expect(await refusal(expired.joinOrCreate('spatial', { dataspaceId }))).toMatch(/expired/);
    const forged = await clientAs(h, 'a1', { secret: 'another-secret-that-is-at-least-32-characters' });
    expect(await refusal(forged.joinOrCreate('spatial', { dataspaceId }))).toMatch(/invalid/);
    const stranger = await clientAs(h, 'b2');
    expect(await refusal(stranger.joinOrCreate('spatial', { dataspaceId }))).toMatch(
      /not open to this identity/,
    );
    // an identity claim the user does not own matches no identity: refused as well
    const borrowed = await clientAs(h, 'b1', { identityId: CAST.a1 });
    expect(await refusal(borrowed.joinOrCreate('spatial', { dataspaceId }))).toMatch(
      /not open to this identity/,
    );
  });

  it('quantises and relays pose updates, stamping identity from the token', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    bob.send('pose', { h: [1.234, 1.6, -2.5, 0, 0.7071068, 0, 0.7071068], l: identity, r: identity, t: 42 });
    await untilState(alice, (s) => Math.abs((s.avatars.get(bob.sessionId)?.hx ?? 0) - 1.234) < 0.003);
    const seen = alice.state.avatars.get(bob.sessionId)!;
    expect(seen.hz).toBeCloseTo(-2.5, 2);
    expect(seen.hqy).toBeCloseTo(0.7071, 3);
    expect(seen.identityId).toBe(CAST.b1);
    await Promise.all([alice.leave(), bob.leave()]);
  });

  it('grants a grab lock to one of two grabbers, and times it out', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    alice.send('placeObject', {
      kind: 'note',
      p: [0, 1, 0],
      q: [0, 0, 0, 1],
      s: [1, 1, 1],
      data: { text: 'x' },
    });
    await untilState(bob, (s) => s.objects.size > 0);
    const objectId = [...bob.state.objects.keys()][0]!;
    const aliceReply = nextMessage<{ granted: boolean }>(alice, 'grab');
    const bobReply = nextMessage<{ granted: boolean }>(bob, 'grab');
    alice.send('grab', { objectId });
    bob.send('grab', { objectId });
    const replies = [(await aliceReply).granted, (await bobReply).granted];
    expect(replies.filter(Boolean)).toHaveLength(1);
    const holder = replies[0] ? alice.sessionId : bob.sessionId;
    await untilState(alice, (s) => s.objects.get(objectId)?.lockedBy === holder);
    // nobody renews: the server frees it after GRAB_LOCK_MS
    await untilState(alice, (s) => s.objects.get(objectId)?.lockedBy === '');
    await Promise.all([alice.leave(), bob.leave()]);
  });

  it('refuses malformed messages and floods with an error to the sender only', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    let bobErrors = 0;
    bob.onMessage('error', () => (bobErrors += 1));
    const invalid = nextMessage<RealtimeErrorMessage>(alice, 'error');
    alice.send('pose', { h: [999, 0, 0, 0, 0, 0, 1], l: identity, r: identity });
    expect(await invalid).toMatchObject({ code: 'invalid_message', type: 'pose' });
    const unknown = nextMessage<RealtimeErrorMessage>(alice, 'error');
    alice.send('teleportEveryone', {});
    expect((await unknown).code).toBe('unknown_message');
    const oversized = nextMessage<RealtimeErrorMessage>(alice, 'error');
    alice.send('chat', { text: 'x'.repeat(501) });
    expect((await oversized).code).toBe('invalid_message');
    const limited = nextMessage<RealtimeErrorMessage>(alice, 'error');
    for (let i = 0; i < 25; i += 1) alice.send('chat', { text: `spam ${i}` });
    expect((await limited).code).toBe('rate_limited');
    // bob still gets state and never saw an error
    bob.send('chat', { text: 'still here' });
    await untilState(alice, (s) => s.chat.some((l) => l.text === 'still here'));
    expect(bobErrors).toBe(0);
    await Promise.all([alice.leave(), bob.leave()]);
  });

  it('lets the host mute, lock the room against newcomers, and kick', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    alice.send('mute', { sessionId: bob.sessionId, muted: true });
    await untilState(alice, (s) => s.avatars.get(bob.sessionId)?.muted === true);
    const refused = nextMessage<RealtimeErrorMessage>(bob, 'error');
    bob.send('lockRoom', { locked: true });
    expect((await refused).code).toBe('forbidden');
    alice.send('lockRoom', { locked: true });
    await untilState(alice, (s) => s.locked);
    const late = await clientAs(h, 'b1');
    await expect(late.joinOrCreate('spatial', { dataspaceId })).rejects.toThrow(/locked/);
    alice.send('lockRoom', { locked: false });
    await untilState(alice, (s) => !s.locked);
    const bobLeft = new Promise<number>((resolve) => bob.onLeave((code) => resolve(code)));
    alice.send('kick', { sessionId: bob.sessionId });
    expect(await bobLeft).toBe(4001);
    await untilState(alice, (s) => !s.avatars.has(bob.sessionId));
    await alice.leave();
  });

  it('enforces the capacity of the room', async () => {
    const small = await createDataspace(h.sql, 'a1', 'Petite salle');
    await h.sql`insert into public.xr_rooms (identity_id, dataspace_id, name, kind, capacity)
                values (${CAST.a1}, ${small}, 'Petite salle', 'dataspace', 1)`;
    const alice = await join('a1', small);
    const other = await clientAs(h, 'a1');
    await expect(other.joinOrCreate('spatial', { dataspaceId: small })).rejects.toThrow(/full/);
    await alice.leave();
    void mintToken;
  });
});
