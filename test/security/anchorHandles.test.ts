/**
 * Door: the `anchorHandle` room message (issue 16, real-world anchors). A spatial anchor may carry the
 * persistent handle of the WebXR anchor its placer's device made (spatial_anchors.xr_anchor_id), so
 * that device finds the object where it was in the real world. The room is the only writer of the
 * column; here every other person tries to set, replace or clear it, or to store something no browser
 * hands out: a viewer, a participant who did not place the anchor, a malformed or oversized handle, an
 * anchor of another room. Each is refused to the sender only, and the stored handle stays the placer's.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  addMember,
  clientAs,
  createDataspace,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
  type Persona,
} from '../realtime/realtimeHarness.ts';

let h: Harness;
let dataspaceId: string;
let otherDataspaceId: string;
let alice: SdkRoom<unknown, SpatialState>;
let anchorId: string;
const HANDLE = '6f1c2a3e-0b4d-4e5f-8a9b-0c1d2e3f4a5b';

async function seat(persona: Persona, ds = dataspaceId): Promise<SdkRoom<unknown, SpatialState>> {
  const client = await clientAs(h, persona);
  const room = await client.joinOrCreate<SpatialState>('spatial', { dataspaceId: ds });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  room.onMessage('saved', () => undefined);
  return room;
}

/** The handle stored for the anchor once the room's write-behind ran (polled: no sleep). */
async function storedHandle(): Promise<string | null> {
  const [row] = await h.sql<{ xr: string | null }[]>`
    select xr_anchor_id as xr from public.spatial_anchors where id = ${anchorId}`;
  return row ? row.xr : null;
}

/** Sends `payload` as `anchorHandle` from `room` and resolves with the refusal the sender gets. */
async function refused(room: SdkRoom, payload: unknown): Promise<RealtimeErrorMessage> {
  const error = nextMessage<RealtimeErrorMessage>(room, 'error');
  room.send('anchorHandle', payload);
  return error;
}

beforeAll(async () => {
  h = await startHarness({ writeBehindMs: 20 });
  dataspaceId = await createDataspace(h.sql, 'a1', 'Ancres du monde');
  otherDataspaceId = await createDataspace(h.sql, 'b1', 'Salle de Bob');
  alice = await seat('a1');
  const saved = nextMessage<{ anchors: string[] }>(alice, 'saved');
  alice.send('placeAnchor', { label: 'Mur nord', p: [0, 1.5, -3], q: [0, 0, 0, 1] });
  await untilState(alice, (s) => s.anchors.size === 1);
  anchorId = [...alice.state.anchors.keys()][0]!;
  expect((await saved).anchors).toContain(anchorId);
});
afterAll(async () => {
  await h?.stop();
});

describe('anchorHandle: who binds an anchor to a device', () => {
  it('lets the placer store a handle; everyone in the room sees it and it is persisted', async () => {
    const saved = nextMessage<{ anchors: string[] }>(alice, 'saved');
    alice.send('anchorHandle', { anchorId, xrAnchorId: HANDLE });
    expect((await saved).anchors).toContain(anchorId);
    expect(alice.state.anchors.get(anchorId)!.xrAnchorId).toBe(HANDLE);
    expect(await storedHandle()).toBe(HANDLE);
  });

  it('refuses a viewer, and a participant who did not place the anchor', async () => {
    for (const role of ['viewer', 'participant'] as const) {
      await addMember(h.sql, 'b1', dataspaceId, role);
      const bob = await seat('b1');
      const e = await refused(bob, { anchorId, xrAnchorId: 'b0b-handle' });
      expect(e).toMatchObject({ code: 'forbidden', type: 'anchorHandle' });
      const cleared = await refused(bob, { anchorId, xrAnchorId: null });
      expect(cleared.code).toBe('forbidden');
      expect(bob.state.anchors.get(anchorId)!.xrAnchorId).toBe(HANDLE);
      await bob.leave();
    }
    expect(await storedHandle()).toBe(HANDLE);
  });

  it('refuses handles no browser hands out: oversized, empty, control or markup characters, wrong types', async () => {
    for (const xrAnchorId of [
      'x'.repeat(201),
      '',
      'a\u0000b',
      '<script>alert(1)</script>',
      'line\nbreak',
      "'; drop table spatial_anchors; --",
      42,
      { uuid: HANDLE },
    ]) {
      const e = await refused(alice, { anchorId, xrAnchorId });
      expect(e).toMatchObject({ code: 'invalid_message', type: 'anchorHandle' });
    }
    const extra = await refused(alice, { anchorId, xrAnchorId: HANDLE, identityId: 'someone-else' });
    expect(extra.code).toBe('invalid_message');
    expect(await storedHandle()).toBe(HANDLE);
  });

  it('answers not_found for an anchor of another room or no anchor at all', async () => {
    const bob = await seat('b1', otherDataspaceId);
    const e = await refused(bob, { anchorId, xrAnchorId: 'b0b-handle' });
    expect(e).toMatchObject({ code: 'not_found', type: 'anchorHandle' });
    await bob.leave();
    const none = await refused(alice, { anchorId: crypto.randomUUID(), xrAnchorId: HANDLE });
    expect(none.code).toBe('not_found');
    expect(await storedHandle()).toBe(HANDLE);
  });

  it('lets a host member replace or clear it (moderation), and keeps the placer after a room restart', async () => {
    await addMember(h.sql, 'b1', dataspaceId, 'host');
    const bob = await seat('b1');
    const saved = nextMessage<{ anchors: string[] }>(bob, 'saved');
    bob.send('anchorHandle', { anchorId, xrAnchorId: null });
    await saved;
    expect(await storedHandle()).toBeNull();
    await bob.leave();
    await alice.leave();
    // a new room restores the placer from the database: Alice binds it again, a participant still cannot
    await addMember(h.sql, 'b1', dataspaceId, 'participant');
    alice = await seat('a1');
    await untilState(alice, (s) => s.anchors.has(anchorId));
    const again = nextMessage<{ anchors: string[] }>(alice, 'saved');
    alice.send('anchorHandle', { anchorId, xrAnchorId: HANDLE });
    await again;
    expect(await storedHandle()).toBe(HANDLE);
    const participant = await seat('b1');
    expect((await refused(participant, { anchorId, xrAnchorId: 'b0b-handle' })).code).toBe('forbidden');
    await participant.leave();
    await alice.leave();
  });
});
