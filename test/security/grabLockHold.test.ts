/**
 * Door: a grab lock cannot be held forever. The holder re-sends `move` on every patch, as a client
 * that never lets go would; the server takes the lock back once the maximum hold is reached (a
 * room timing, GRAB_MAX_HOLD_MS in production), tells the holder why, refuses its re-grab during
 * the cooldown, and lets another participant take the object.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  clientAs,
  createDataspace,
  grantElevation,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
} from '../realtime/realtimeHarness.ts';

const IDLE_MS = 300;
const MAX_HOLD_MS = 900;
/** Long enough that the holder's re-grab below always falls inside it. */
const COOLDOWN_MS = 60_000;
/** The holder stops trying after this many patches (10 s at 20 Hz): far beyond the maximum hold. */
const MAX_PATCHES = 200;

let h: Harness;
let dataspaceId: string;

beforeAll(async () => {
  h = await startHarness({
    grabLockMs: IDLE_MS,
    grabMaxHoldMs: MAX_HOLD_MS,
    grabRetakeCooldownMs: COOLDOWN_MS,
    // a move per patch (20/s) must never meet the action rate limit here
    actionRate: { perSecond: 100, burst: 100 },
  });
  dataspaceId = await createDataspace(h.sql, 'a1', 'Prise prolongée');
  await grantElevation(h.sql, 'b1', 'a1', dataspaceId, 'write');
});
afterAll(() => h.stop());

async function join(persona: 'a1' | 'b1'): Promise<SdkRoom<unknown, SpatialState>> {
  const room = await (await clientAs(h, persona)).joinOrCreate<SpatialState>('spatial', { dataspaceId });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

describe('grab lock maximum hold', () => {
  it('takes the lock back from a holder that keeps moving, then lets another participant take it', async () => {
    const holder = await join('a1');
    const other = await join('b1');
    holder.send('placeObject', { kind: 'note', p: [0, 1, 0], q: [0, 0, 0, 1], s: [1, 1, 1] });
    await untilState(other, (s) => s.objects.size === 1);
    await untilState(holder, (s) => s.objects.size === 1);
    const objectId = [...holder.state.objects.keys()][0]!;
    const granted = nextMessage<{ granted: boolean }>(holder, 'grab');
    holder.send('grab', { objectId });
    expect((await granted).granted).toBe(true);
    const grabbedAt = performance.now();

    const expired = nextMessage<RealtimeErrorMessage>(holder, 'error');
    let x = 0;
    let patches = 0;
    const move = () => {
      x = (x + 0.01) % 1;
      holder.send('move', { objectId, p: [x, 1, 0], q: [0, 0, 0, 1] });
    };
    // each move changes the object, so each brings a patch, which sends the next move
    await new Promise<void>((resolve) => {
      const onPatch = (state: SpatialState) => {
        if (state.objects.get(objectId)?.lockedBy !== holder.sessionId || ++patches > MAX_PATCHES) {
          holder.onStateChange.remove(onPatch);
          return resolve();
        }
        move();
      };
      holder.onStateChange(onPatch);
      move();
    });
    const heldMs = performance.now() - grabbedAt;
    expect(holder.state.objects.get(objectId)!.lockedBy).toBe('');
    expect(patches).toBeLessThanOrEqual(MAX_PATCHES);
    // the moves renewed it past the idle timeout: it went at the maximum hold, not before
    expect(heldMs).toBeGreaterThan(MAX_HOLD_MS - 100);
    expect(await expired).toMatchObject({ code: 'lock_expired' });
    expect((await expired).message).toMatch(/longest hold allowed/);

    const again = nextMessage<{ granted: boolean }>(holder, 'grab');
    const refusal = nextMessage<RealtimeErrorMessage>(holder, 'error');
    holder.send('grab', { objectId });
    expect((await again).granted).toBe(false);
    expect(await refusal).toMatchObject({ code: 'lock_expired', type: 'grab' });

    const taken = nextMessage<{ granted: boolean }>(other, 'grab');
    other.send('grab', { objectId });
    expect((await taken).granted).toBe(true);
    await untilState(holder, (s) => s.objects.get(objectId)?.lockedBy === other.sessionId);
    await Promise.all([holder.leave(), other.leave()]);
  });

  it('still frees an idle lock after the idle timeout', async () => {
    const holder = await join('a1');
    holder.send('placeObject', { kind: 'note', p: [0, 1, 1], q: [0, 0, 0, 1], s: [1, 1, 1] });
    await untilState(holder, (s) => s.objects.size === 2);
    const objectId = [...holder.state.objects.entries()].find(([, o]) => o.pz === 1)![0];
    holder.send('grab', { objectId });
    await untilState(holder, (s) => s.objects.get(objectId)?.lockedBy === holder.sessionId);
    await untilState(holder, (s) => s.objects.get(objectId)?.lockedBy === '');
    await holder.leave();
  });
});
