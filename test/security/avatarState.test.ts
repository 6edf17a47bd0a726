/**
 * Door: the avatar's own state (issue 16) — the room's `mode` and `look` messages, and
 * xr_avatars.room_poses, where the rooms keep each identity's last place per room. A hostile client
 * sends every bad value (unknown modes, hand tracking outside an immersive mode, colours and models
 * that are no colour or model, markup, extra keys, wrong types): each is refused to the sender only
 * with a room error message, and no avatar changes for anyone. Through the database as a client
 * would (PostgREST's role), Bob cannot write the server-kept poses, even on his own row, nor touch
 * Alice's avatar, nor call the rooms' function.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  addMember,
  asPersona,
  CAST,
  clientAs,
  createDataspace,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
  type Persona,
} from '../realtime/realtimeHarness.ts';

let h: Harness;
let ds: string;

beforeAll(async () => {
  // every bad value is tried: the action bucket is not what this door is about (roomCaps tests it)
  h = await startHarness({ actionRate: { perSecond: 1000, burst: 1000 } });
  ds = await createDataspace(h.sql, 'a1', 'Salle hostile');
  await addMember(h.sql, 'b1', ds, 'participant');
});
afterAll(() => h.stop());

async function join(persona: Persona): Promise<SdkRoom<unknown, SpatialState>> {
  const room = await (await clientAs(h, persona)).joinOrCreate<SpatialState>('spatial', { dataspaceId: ds });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

const BAD_MODES: readonly unknown[] = [
  { mode: 'god' },
  { mode: 'VR' },
  { mode: '' },
  { mode: 'desktop', handTracking: true },
  { mode: 'mobile', handTracking: true },
  { mode: 'vr', handTracking: 'yes' },
  { mode: 'vr', handTracking: 1 },
  { mode: 'vr', identityId: CAST.a1 },
  { mode: ['vr'] },
  { mode: null },
  {},
  'vr',
  null,
];

const BAD_LOOKS: readonly unknown[] = [
  { color: 'red', model: 'default' },
  { color: '#12345', model: 'default' },
  { color: '#1234567', model: 'default' },
  { color: '#12345g', model: 'default' },
  { color: '#123456', model: '' },
  { color: '#123456', model: '../../etc/passwd' },
  { color: '#123456', model: '<script>alert(1)</script>' },
  { color: '#123456', model: 'Humanoid' },
  { color: '#123456', model: `m${'a'.repeat(64)}` },
  { color: '#123456', model: 'a//b' },
  { color: '#123456', model: 'default', identityId: CAST.a1 },
  { color: '#123456' },
  { color: 0x123456, model: 'default' },
];

describe('avatar state door', () => {
  it('refuses every bad mode and look to its sender, and no avatar changes', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    await untilState(alice, (s) => s.avatars.has(bob.sessionId));
    bob.send('mode', { mode: 'vr', handTracking: true });
    await untilState(alice, (s) => s.avatars.get(bob.sessionId)!.handTracking);
    const before = () => {
      const b = alice.state.avatars.get(bob.sessionId)!;
      return [b.mode, b.handTracking, b.color, b.model];
    };
    const snapshot = before();
    let aliceErrors = 0;
    const off = alice.onMessage('error', () => void (aliceErrors += 1));
    for (const [type, bad] of [
      ...BAD_MODES.map((m) => ['mode', m] as const),
      ...BAD_LOOKS.map((m) => ['look', m] as const),
    ]) {
      const refused = nextMessage<RealtimeErrorMessage>(bob, 'error');
      bob.send(type, bad);
      const error = await refused;
      expect(error, `${type} ${JSON.stringify(bad)}`).toMatchObject({ code: 'invalid_message', type });
      expect(error.message.length).toBeGreaterThan(0);
    }
    expect(
      (
        await (async () => {
          const refused = nextMessage<RealtimeErrorMessage>(bob, 'error');
          bob.send('mode', { mode: 'desktop', handTracking: true });
          return refused;
        })()
      ).message,
    ).toBe("'mode': hands are tracked in vr or ar only, not in desktop");
    // a valid change after them all is applied in order: the refusals before it changed nothing
    bob.send('mode', { mode: 'ar', handTracking: true });
    await untilState(alice, (s) => s.avatars.get(bob.sessionId)!.mode === 'ar');
    expect(before()).toEqual(['ar', ...snapshot.slice(1)]);
    const stored = await h.sql<{ n: number }[]>`
      select count(*)::int as n from public.xr_avatars where identity_id = ${CAST.b1}`;
    expect(stored[0]!.n).toBe(0); // no refused look was written
    expect(aliceErrors).toBe(0);
    off();
    await bob.leave();
    await alice.leave();
  });

  it('keeps the poses out of a client’s reach, its own row included, and other identities’ avatars too', async () => {
    const pose = JSON.stringify({ [crypto.randomUUID()]: { p: [1, 1, 1], q: [0, 0, 0, 1], at: 0 } });
    const refused = (fn: Parameters<typeof asPersona>[2]) =>
      asPersona(h.sql, 'b1', fn).then(
        () => 'written',
        (e: Error) => e.message,
      );
    // his own avatar: the look is his to write, the poses are not
    expect(
      await refused(
        (tx) => tx`insert into public.xr_avatars (display_name, room_poses) values ('Bob', ${pose}::jsonb)`,
      ),
    ).toMatch(/permission denied/);
    await asPersona(
      h.sql,
      'b1',
      (tx) => tx`insert into public.xr_avatars (display_name, color) values ('Bob', '#00aa00')`,
    );
    expect(
      await refused(
        (tx) => tx`update public.xr_avatars set room_poses = ${pose}::jsonb where identity_id = ${CAST.b1}`,
      ),
    ).toMatch(/permission denied/);
    // the rooms' function is not his to call
    expect(
      await refused(
        (tx) =>
          tx`select private.save_avatar_room_pose(${CAST.b1}, ${crypto.randomUUID()}, '{1,1,1}', '{0,0,0,1}')`,
      ),
    ).toMatch(/permission denied/);
    // Alice's avatar: a forged identity is refused, an update reaches no row
    expect(
      await refused(
        (tx) => tx`insert into public.xr_avatars (identity_id, display_name) values (${CAST.a1}, 'Alice?')`,
      ),
    ).toMatch(/row-level security|duplicate key|permission denied/);
    const touched = await asPersona(
      h.sql,
      'b1',
      (tx) => tx`update public.xr_avatars set color = '#000000' where identity_id = ${CAST.a1} returning id`,
    );
    expect(touched).toHaveLength(0);
    const [mine] = await h.sql<{ room_poses: unknown; color: string }[]>`
      select room_poses, color from public.xr_avatars where identity_id = ${CAST.b1}`;
    expect(mine).toEqual({ room_poses: {}, color: '#00aa00' });
    await h.sql`delete from public.xr_avatars where identity_id = ${CAST.b1}`;
  });
});
