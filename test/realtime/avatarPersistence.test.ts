/**
 * Avatars as the room keeps them (issue 16): the client's mode and hand tracking reach the others;
 * the identity's look (colour, model) and where it last stood in each room are kept in xr_avatars and
 * restored on its next join, for the owner and for a member in someone else's dataspace alike.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  addMember,
  CAST,
  clientAs,
  createDataspace,
  startHarness,
  untilState,
  type Harness,
  type Persona,
} from './realtimeHarness.ts';

let h: Harness;
const still = [0, 0, 0, 0, 0, 0, 1] as const;

beforeAll(async () => {
  h = await startHarness({ writeBehindMs: 20 });
});
afterAll(() => h.stop());

async function join(persona: Persona, dataspaceId: string): Promise<SdkRoom<unknown, SpatialState>> {
  const room = await (await clientAs(h, persona)).joinOrCreate<SpatialState>('spatial', { dataspaceId });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

/** Where the identity's avatar last stood in the dataspace's room, as stored. */
async function storedPose(persona: Persona, dataspaceId: string): Promise<number[] | null> {
  const [row] = await h.sql<{ p: number[] | null }[]>`
    select a.room_poses -> r.id::text -> 'p' as p
      from public.xr_avatars a, public.xr_rooms r
     where a.identity_id = ${CAST[persona]} and r.dataspace_id = ${dataspaceId} and r.kind = 'dataspace'`;
  return row?.p ?? null;
}

describe('avatar modes and persistence', () => {
  it('shows a client’s mode and hand tracking to the others', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Salle des modes');
    await addMember(h.sql, 'b1', ds, 'participant');
    const alice = await join('a1', ds);
    const bob = await (
      await clientAs(h, 'b1')
    ).joinOrCreate<SpatialState>('spatial', {
      dataspaceId: ds,
      mode: 'mobile',
    });
    await untilState(alice, (s) => s.avatars.get(bob.sessionId)?.mode === 'mobile');
    bob.send('mode', { mode: 'vr', handTracking: true });
    await untilState(alice, (s) => {
      const b = s.avatars.get(bob.sessionId);
      return b?.mode === 'vr' && b.handTracking;
    });
    bob.send('mode', { mode: 'ar', handTracking: false });
    await untilState(alice, (s) => {
      const b = s.avatars.get(bob.sessionId);
      return b?.mode === 'ar' && !b.handTracking;
    });
    await bob.leave();
    await alice.leave();
  });

  it('keeps the look and the last pose per room, and restores both on the next join', async () => {
    const [ds1, ds2] = [
      await createDataspace(h.sql, 'a1', 'Salle un'),
      await createDataspace(h.sql, 'a1', 'Salle deux'),
    ];
    // Bob is a member (another identity's room): his pose is his, kept all the same
    await addMember(h.sql, 'b1', ds1, 'participant');
    const bob = await join('b1', ds1);
    bob.send('look', { color: '#12AB34', model: 'humanoid/default-v2' });
    await untilState(bob, (s) => s.avatars.get(bob.sessionId)?.color === '#12ab34');
    expect(bob.state.avatars.get(bob.sessionId)!.model).toBe('humanoid/default-v2');
    bob.send('pose', { h: [2.5, 1.7, -3, 0, 0.7071068, 0, 0.7071068], l: still, r: still });
    await untilState(bob, (s) => Math.abs(s.avatars.get(bob.sessionId)!.hx - 2.5) < 0.01);
    await bob.leave();
    await expect.poll(() => storedPose('b1', ds1)).not.toBeNull();
    const [p] = [await storedPose('b1', ds1)];
    expect(p![0]).toBeCloseTo(2.5, 2);
    expect(p![2]).toBeCloseTo(-3, 2);

    // Alice in two rooms: each keeps its own place
    const a1 = await join('a1', ds1);
    const bobBack = await join('b1', ds1);
    await untilState(a1, (s) => s.avatars.has(bobBack.sessionId));
    const seen = a1.state.avatars.get(bobBack.sessionId)!;
    // the others see the returning avatar where it stood, in its colour and model, before it moves
    expect([seen.color, seen.model]).toEqual(['#12ab34', 'humanoid/default-v2']);
    expect(seen.coarse.hx).toBeCloseTo(2.5, 2);
    expect(seen.coarse.hz).toBeCloseTo(-3, 2);
    const own = bobBack.state.avatars.get(bobBack.sessionId)!;
    expect([own.hx, own.hy, own.hz]).toEqual([
      expect.closeTo(2.5, 2),
      expect.closeTo(1.7, 2),
      expect.closeTo(-3, 2),
    ]);
    expect(own.hqy).toBeCloseTo(0.7071, 3);
    a1.send('pose', { h: [1, 1.6, 1, 0, 0, 0, 1], l: still, r: still });
    await untilState(a1, (s) => Math.abs(s.avatars.get(a1.sessionId)!.hx - 1) < 0.01);
    await a1.leave();
    const a2 = await join('a1', ds2);
    // never seated in the second room: no pose of the first one leaks into it
    expect(a2.state.avatars.get(a2.sessionId)!.hy).toBe(0);
    a2.send('pose', { h: [-4, 1.5, 2, 0, 0, 0, 1], l: still, r: still });
    await untilState(a2, (s) => Math.abs(s.avatars.get(a2.sessionId)!.hx + 4) < 0.01);
    await a2.leave();
    await bobBack.leave();
    await expect.poll(() => storedPose('a1', ds2)).not.toBeNull();
    expect((await storedPose('a1', ds1))![0]).toBeCloseTo(1, 2);
    expect((await storedPose('a1', ds2))![0]).toBeCloseTo(-4, 2);
  });

  it('keeps no place for a client that never sent a pose', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Salle muette');
    const alice = await join('a1', ds);
    await alice.leave();
    const again = await join('a1', ds);
    expect(again.state.avatars.get(again.sessionId)!.hy).toBe(0);
    await again.leave();
    expect(await storedPose('a1', ds)).toBeNull();
  });
});
