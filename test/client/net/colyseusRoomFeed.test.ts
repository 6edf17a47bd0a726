import { matchMaker } from '@colyseus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinSpatialRoom,
  RoomJoinError,
  type ColyseusRoomFeed,
  type FeedStatus,
} from '../../../client/net/colyseusRoomFeed.ts';
import { bindRoomFeed } from '../../../client/state/bindRoomFeed.ts';
import type { AnchorSnapshot, AvatarSnapshot, ObjectSnapshot, Pose } from '../../../client/state/RoomFeed.ts';
import { createRoomStore } from '../../../client/state/roomStore.ts';
import { useClientStack } from '../../e2e/clientStack.ts';
import { createDataspace, grantElevation, mintToken } from '../../realtime/realtimeHarness.ts';

const pose = (x: number, y = 1, z = 0): Pose => ({ x, y, z, qx: 0, qy: 0, qz: 0, qw: 1 });
const stack = useClientStack('client_feed', {
  realtime: true,
  timings: { reconnectSeconds: 10, grabLockMs: 60_000, writeBehindMs: 50 },
});
let dataspaceId: string;
const feeds: ColyseusRoomFeed[] = [];

beforeAll(async () => {
  dataspaceId = await createDataspace(stack.sql(), 'a1');
  await grantElevation(stack.sql(), 'b1', 'a1', dataspaceId, 'write');
});
afterAll(async () => {
  for (const f of feeds) await f.leave().catch(() => undefined);
});

async function join(persona: 'a1' | 'b1'): Promise<ColyseusRoomFeed> {
  const feed = await joinSpatialRoom({
    endpoint: stack.realtimeUrl(),
    accessToken: await mintToken(persona),
    dataspaceId,
    reconnection: { minUptime: 0, delay: 20, minDelay: 20 },
  });
  feeds.push(feed);
  return feed;
}

/** Resolves with the first value `subscribe` delivers that satisfies `pred`. */
function when<T>(subscribe: (cb: (v: T) => void) => () => void, pred: (v: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    let done = false;
    // replayed items arrive inside subscribe(), before its disposer exists: detach a microtask later
    const off = subscribe((v) => {
      if (done || !pred(v)) return;
      done = true;
      resolve(v);
      queueMicrotask(() => off());
    });
  });
}
const avatarWhere = (f: ColyseusRoomFeed, pred: (a: AvatarSnapshot) => boolean) =>
  Promise.race([when(f.onAvatarAdd, pred), when(f.onAvatarChange, pred)]);
const objectWhere = (f: ColyseusRoomFeed, pred: (o: ObjectSnapshot) => boolean) =>
  Promise.race([when(f.onObjectAdd, pred), when(f.onObjectChange, pred)]);
const statusIs = (f: ColyseusRoomFeed, s: FeedStatus) =>
  new Promise<void>((resolve) => {
    if (f.status.getState().status === s) return resolve();
    const off = f.status.subscribe((st) => st.status === s && (off(), resolve()));
  });

describe('colyseusRoomFeed', () => {
  it('shows each participant the other, with poses, through the room store', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    const store = createRoomStore();
    const unbind = bindRoomFeed(bob, store);
    await avatarWhere(bob, (a) => a.id === alice.selfId);
    alice.sendPose(pose(1.25, 1.6, -0.5), pose(1, 1.1), pose(1.5, 1.1));
    const seen = await avatarWhere(bob, (a) => a.id === alice.selfId && Math.abs(a.head.x - 1.25) < 0.01);
    expect(seen.displayName).toMatch(/Alice/);
    expect(seen.right.x).toBeCloseTo(1.5, 2);
    expect(store.getState().avatars.map((a) => a.id)).toEqual([alice.selfId]);
    // the own avatar never enters one's own store
    expect(store.getState().selfId).toBe(bob.selfId);
    unbind();
  });

  it('places, grabs (lock refusal as a reason), moves, releases and anchors an object seen by the other', async () => {
    const [alice, bob] = feeds as [ColyseusRoomFeed, ColyseusRoomFeed];
    const placed = await alice.placeObject('thread_panel', pose(0, 1.4, -1), { data: { title: 'Plan' } });
    if (!placed.ok) throw new Error(placed.message);
    const { objectId } = placed.value;
    // resolved once the own room state carries it, by the reply's id: nothing is added to its data
    expect(JSON.parse(alice.room.state.objects.get(objectId)!.data)).toEqual({ title: 'Plan' });
    const bobSees = await objectWhere(bob, (o) => o.id === objectId);
    expect(bobSees.kind).toBe('thread-panel');

    expect(await alice.grab(objectId)).toEqual({ ok: true, value: undefined });
    await objectWhere(bob, (o) => o.id === objectId && o.heldBy === alice.selfId);
    const refused = await bob.grab(objectId);
    expect(refused).toMatchObject({ ok: false, reason: 'locked' });

    alice.move(objectId, pose(0.5, 1.4, -1));
    alice.move(objectId, pose(0.75, 1.4, -1)); // inside the move slot: sent when it opens
    await objectWhere(bob, (o) => o.id === objectId && Math.abs(o.pose.x - 0.75) < 1e-3);
    alice.release(objectId, pose(0.8, 1.4, -1));
    const released = await objectWhere(bob, (o) => o.id === objectId && o.heldBy === null);
    expect(released.pose.x).toBeCloseTo(0.8, 3);

    const bobAnchor = when<AnchorSnapshot>(bob.onAnchorAdd, (a) => a.objectId === objectId);
    const anchored = await alice.placeAnchor(objectId, pose(0.8, 1.4, -1));
    if (!anchored.ok) throw new Error(anchored.message);
    const seenAnchor = await bobAnchor;
    expect(seenAnchor.id).toBe(anchored.value.anchorId);
    expect(seenAnchor.pose.x).toBeCloseTo(0.8, 3);
    expect(seenAnchor.xrHandle).toBeNull();
    // the placer binds it to its device's persistent WebXR anchor: the other side hears the handle
    const bound = when<AnchorSnapshot>(bob.onAnchorAdd, (a) => a.id === seenAnchor.id && a.xrHandle !== null);
    alice.bindAnchorHandle(seenAnchor.id, 'f00d-cafe');
    expect((await bound).xrHandle).toBe('f00d-cafe');
    expect(await bob.grab(crypto.randomUUID())).toMatchObject({ ok: false, reason: 'not-found' });
  });

  it('shows reconnecting on a dropped socket and recovers the same session', async () => {
    const [alice, bob] = feeds as [ColyseusRoomFeed, ColyseusRoomFeed];
    const states: FeedStatus[] = [];
    const off = alice.status.subscribe((s) => states.push(s.status));
    const room = matchMaker.getLocalRoomById(alice.room.roomId);
    const serverSide = room.clients.find((c) => c.sessionId === alice.selfId)!;
    (serverSide.ref as unknown as { terminate(): void }).terminate();
    await statusIs(alice, 'reconnecting');
    expect(alice.status.getState().reason).toBeTruthy();
    expect(await alice.grab(crypto.randomUUID())).toMatchObject({ ok: false, reason: 'offline' });
    await statusIs(alice, 'connected');
    off();
    expect(states).toEqual(['reconnecting', 'connected']);
    // still the same participant: a pose after recovery reaches the other side
    alice.sendPose(pose(-2, 1.6), pose(-2, 1), pose(-2, 1));
    await avatarWhere(bob, (a) => a.id === alice.selfId && Math.abs(a.head.x + 2) < 0.01);
  });

  it('refuses a join with a bad token with the room’s reason', async () => {
    const error = await joinSpatialRoom({
      endpoint: stack.realtimeUrl(),
      accessToken: await mintToken('a1', { secret: 'not-the-secret-not-the-secret-000' }),
      dataspaceId,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomJoinError);
    expect((error as Error).message).toMatch(/access token invalid/);
  });
});
