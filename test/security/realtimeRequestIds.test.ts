/**
 * Door: the request ids (`rid`) a client puts on the spatial room's requests that expect a reply
 * (grab, placeAnchor, placeObject; shared/protocol/requestIds.ts). Tried as Bob, a participant of
 * Alice's room: ids of the wrong type, out of range or oversized, and ids reused or going backwards.
 * Each is refused with an error to Bob alone, nothing is placed or grabbed, Bob's connection stays
 * usable, and Alice (her own ids counted apart) sees no error and carries on.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_ID } from '../../shared/protocol/requestIds.ts';
import type { GrabReply, PlacedReply, RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  clientAs,
  createDataspace,
  grantElevation,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
  type Persona,
} from '../realtime/realtimeHarness.ts';

let h: Harness;
let ds: string;
let alice: SdkRoom<unknown, SpatialState>;
let bob: SdkRoom<unknown, SpatialState>;
const aliceErrors: RealtimeErrorMessage[] = [];

async function join(persona: Persona): Promise<SdkRoom<unknown, SpatialState>> {
  const room = await (await clientAs(h, persona)).joinOrCreate<SpatialState>('spatial', { dataspaceId: ds });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  room.onMessage('saved', () => undefined);
  return room;
}

beforeAll(async () => {
  // a rate limit generous enough that every refusal below is about the id, never the pace
  h = await startHarness({ writeBehindMs: 20, actionRate: { perSecond: 1000, burst: 1000 } });
  ds = await createDataspace(h.sql, 'a1', 'Salle des requêtes');
  await grantElevation(h.sql, 'b1', 'a1', ds, 'write');
  alice = await join('a1');
  bob = await join('b1');
  alice.onMessage('error', (e: RealtimeErrorMessage) => aliceErrors.push(e));
  alice.onMessage('placed', () => undefined);
  alice.onMessage('grab', () => undefined);
});
afterAll(async () => {
  await Promise.all([alice?.leave(), bob?.leave()]);
  await h.stop();
});

const note = (x: number, rid?: unknown) => ({
  kind: 'note',
  p: [x, 1, 0],
  q: [0, 0, 0, 1],
  s: [1, 1, 1],
  ...(rid === undefined ? {} : { rid }),
});

/** Sends `message` as Bob and returns the error he gets for it. */
async function refusedForBob(type: string, message: unknown): Promise<RealtimeErrorMessage> {
  const refused = nextMessage<RealtimeErrorMessage>(bob, 'error');
  bob.send(type, message);
  return refused;
}

describe('request ids on the spatial room', () => {
  it('refuses ids of the wrong type, out of range or oversized, to the sender only, placing nothing', async () => {
    const objectsBefore = alice.state.objects.size;
    const bad: unknown[] = [
      0,
      -1,
      1.5,
      MAX_REQUEST_ID + 1,
      Number.MAX_SAFE_INTEGER,
      1e300,
      '12',
      'x'.repeat(10_000),
      null,
      { rid: 1 },
      [1],
      true,
    ];
    for (const rid of bad) {
      const error = await refusedForBob('placeObject', note(1, rid));
      expect(error).toMatchObject({ code: 'invalid_message', type: 'placeObject' });
      expect(error.message).toMatch(/rid/);
      // an id that is not one is never echoed
      expect(error.rid).toBeUndefined();
    }
    const grabError = await refusedForBob('grab', { objectId: crypto.randomUUID(), rid: 'x'.repeat(5000) });
    expect(grabError).toMatchObject({ code: 'invalid_message', type: 'grab' });
    expect(bob.connection.isOpen).toBe(true);

    // still usable: a good id is answered, with that id, after the patch that carries the object
    const placed = nextMessage<PlacedReply>(bob, 'placed');
    bob.send('placeObject', note(2, 1));
    const reply = await placed;
    expect(reply.rid).toBe(1);
    expect(bob.state.objects.has(reply.id)).toBe(true);
    expect(alice.state.objects.size).toBeLessThanOrEqual(objectsBefore + 1);
    await untilState(alice, (s) => s.objects.has(reply.id));
    expect(alice.state.objects.size).toBe(objectsBefore + 1);
  });

  it('refuses a reused or smaller id with that id, and acts on none of them', async () => {
    const placed = nextMessage<PlacedReply>(bob, 'placed');
    bob.send('placeObject', note(3, 40));
    const first = await placed;
    const count = bob.state.objects.size;

    for (const rid of [40, 39, 2]) {
      const error = await refusedForBob('placeObject', note(4, rid));
      expect(error).toMatchObject({ code: 'invalid_message', type: 'placeObject', rid });
      expect(error.message).toMatch(/already used/);
    }
    // a grab under a used id is refused too, and leaves the object free
    const refusedGrab = await refusedForBob('grab', { objectId: first.id, rid: 40 });
    expect(refusedGrab).toMatchObject({ code: 'invalid_message', type: 'grab', rid: 40 });
    expect(bob.state.objects.get(first.id)!.lockedBy).toBe('');

    // the next greater id is answered; nothing else was placed
    const granted = nextMessage<GrabReply>(bob, 'grab');
    bob.send('grab', { objectId: first.id, rid: 41 });
    expect(await granted).toEqual({ objectId: first.id, granted: true, rid: 41 });
    expect(bob.state.objects.size).toBe(count);
    bob.send('release', { objectId: first.id });
    await untilState(bob, (s) => s.objects.get(first.id)?.lockedBy === '');
  });

  it('echoes the id in the refusal of a well-formed request the room cannot serve', async () => {
    const missing = await refusedForBob('placeObject', { ...note(5, 50), anchorId: crypto.randomUUID() });
    expect(missing).toMatchObject({ code: 'not_found', type: 'placeObject', rid: 50 });
    const noObject = await refusedForBob('grab', { objectId: crypto.randomUUID(), rid: 51 });
    expect(noObject).toMatchObject({ code: 'not_found', type: 'grab', rid: 51 });
  });

  it('counts each session’s ids apart and leaves the other participant untouched', async () => {
    // Bob is past 50; Alice's first id is 1 and is answered
    const placed = nextMessage<PlacedReply>(alice, 'placed');
    alice.send('placeObject', note(6, 1));
    expect((await placed).rid).toBe(1);
    const held = nextMessage<GrabReply>(alice, 'grab');
    const objectId = (await placed).id;
    alice.send('grab', { objectId, rid: 2 });
    expect(await held).toMatchObject({ objectId, granted: true, rid: 2 });
    // Bob, refused the same object, hears the holder; his id comes back on both messages
    const bobReply = nextMessage<GrabReply>(bob, 'grab');
    const bobError = nextMessage<RealtimeErrorMessage>(bob, 'error');
    bob.send('grab', { objectId, rid: 60 });
    expect(await bobReply).toMatchObject({ objectId, granted: false, rid: 60 });
    expect(await bobError).toMatchObject({ code: 'lock_held', type: 'grab', rid: 60 });
    expect(aliceErrors).toEqual([]);
    expect(alice.connection.isOpen).toBe(true);
  });
});
