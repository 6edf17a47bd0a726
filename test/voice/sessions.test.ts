import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SfuStats } from '../../server/voice/sfuProtocol.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  clientAs,
  createDataspace,
  grantElevation,
  leaveOf,
  untilState,
} from '../realtime/realtimeHarness.ts';
import { joinVoice, type NodeVoicePeer } from './nodeVoicePeer.ts';
import { poseAt, seat, startVoiceRig, until, type VoiceRig } from './voiceHarness.ts';

let rig: VoiceRig;
let ds: string;
beforeAll(async () => {
  rig = await startVoiceRig(1);
  ds = await createDataspace(rig.h.sql, 'a1');
  await grantElevation(rig.h.sql, 'b1', 'a1', ds, 'write');
  await grantElevation(rig.h.sql, 'b2', 'a1', ds, 'read');
});
afterAll(() => rig.stop());

const stats = async (room: SdkRoom): Promise<SfuStats> =>
  (await rig.h.rt.deps.voice!.sfus[0]!.call({ op: 'stats', reset: false, room: room.roomId })).stats!;
const carries = (v: NodeVoicePeer, sessionId: string) =>
  Object.values(v.last?.tracks ?? {}).includes(sessionId);

/** Alice and Bob seated side by side, both in the voice, each offered the other's track. */
async function pair(): Promise<{
  alice: SdkRoom<unknown, SpatialState>;
  bob: SdkRoom<unknown, SpatialState>;
  va: NodeVoicePeer;
  vb: NodeVoicePeer;
}> {
  const alice = await seat(rig.h, 'a1', ds, 0);
  const bob = await seat(rig.h, 'b1', ds, 2);
  const va = joinVoice(alice);
  const vb = joinVoice(bob);
  await until(() => carries(va, bob.sessionId) && carries(vb, alice.sessionId), 'each offered the other');
  await Promise.all([va.ready(), vb.ready()]);
  return { alice, bob, va, vb };
}

// media handshakes (DTLS in pure TypeScript) on a loaded 2-core machine take seconds each; every
// wait below is on an event, and a failed handshake rejects at once (weriftVoicePeer `ready`)
describe('voice sessions on the SFU', { timeout: 60_000 }, () => {
  it('ends a participant’s session when it leaves the voice, and offers the others a track less', async () => {
    const { alice, bob, va, vb } = await pair();
    expect((await stats(alice)).peers).toBe(2);
    bob.send('voiceLeave', {});
    await until(() => vb.messages.some((m) => m.kind === 'closed'), "bob's closed message");
    await until(() => !carries(va, bob.sessionId), "alice's offer without bob");
    expect((await stats(alice)).peers).toBe(1);
    await Promise.all([va.close(), vb.close(), alice.leave(), bob.leave()]);
  });

  it('replaces an earlier session of the same participant instead of keeping a ghost', async () => {
    const { alice, bob, va, vb } = await pair();
    await vb.close();
    const again = joinVoice(bob);
    await again.ready();
    expect((await stats(alice)).peers).toBe(2);
    // alice's voice reaches the new session, once
    va.send(20);
    await until(() => (again.received.get(alice.sessionId) ?? 0) >= 10, 'alice at the new session');
    va.stopSending();
    await Promise.all([va.close(), again.close(), alice.leave(), bob.leave()]);
  });

  it('ends the session when the room connection drops, and a reconnected client joins the voice anew', async () => {
    const client = await clientAs(rig.h, 'b1');
    const bob = await client.joinOrCreate<SpatialState>('spatial', { dataspaceId: ds });
    await untilState(bob, (s) => s.avatars?.has(bob.sessionId) === true);
    bob.send('pose', poseAt(2));
    const alice = await seat(rig.h, 'a1', ds, 0);
    const [va, vb] = [joinVoice(alice), joinVoice(bob)];
    await Promise.all([va.ready(), vb.ready()]);
    expect((await stats(alice)).peers).toBe(2);
    const token = bob.reconnectionToken;
    bob.reconnection.enabled = false;
    bob.connection.close(3000, 'network lost');
    await untilState(alice, (s) => s.avatars.get(bob.sessionId)?.connected === false);
    await until(() => !carries(va, bob.sessionId), "alice's offer without bob");
    expect((await stats(alice)).peers).toBe(1);
    await vb.close();
    const back = await client.reconnect<SpatialState>(token);
    const vback = joinVoice(back);
    await until(() => carries(va, back.sessionId), "alice's offer with bob again");
    await vback.ready();
    expect((await stats(alice)).peers).toBe(2);
    await Promise.all([va.close(), vback.close(), alice.leave(), back.leave()]);
  });

  it('lets a viewer listen but never publish', async () => {
    const alice = await seat(rig.h, 'a1', ds, 0);
    const viewer = await seat(rig.h, 'b2', ds, 1);
    await untilState(alice, (s) => s.avatars.get(viewer.sessionId)?.role === 'viewer');
    const [va, vv] = [joinVoice(alice), joinVoice(viewer)];
    await until(() => carries(vv, alice.sessionId), "the viewer's offer carrying alice");
    await Promise.all([va.ready(), vv.ready()]);
    expect(vv.last!.publishMid).toBeUndefined();
    expect(carries(va, viewer.sessionId)).toBe(false);
    va.send(20);
    await until(() => (vv.received.get(alice.sessionId) ?? 0) >= 10, 'alice at the viewer');
    va.stopSending();
    await Promise.all([va.close(), vv.close(), alice.leave(), viewer.leave()]);
  });

  it('connects a viewer who joins the voice before anyone publishes, and offers it the first speaker', async () => {
    const room = await createDataspace(rig.h.sql, 'a1', 'Salle silencieuse');
    await grantElevation(rig.h.sql, 'b2', 'a1', room, 'read');
    const viewer = await seat(rig.h, 'b2', room, 1);
    const vv = joinVoice(viewer);
    // nobody publishes yet: the viewer's first offer still gives its connection a transport
    await until(() => vv.last !== undefined, "the viewer's first offer");
    await vv.ready();
    expect(vv.last!.tracks).toEqual({});
    const alice = await seat(rig.h, 'a1', room, 0);
    const va = joinVoice(alice);
    await until(() => carries(vv, alice.sessionId), "the viewer's offer carrying alice");
    await Promise.all([va.ready(), vv.ready()]);
    va.send(20);
    await until(() => (vv.received.get(alice.sessionId) ?? 0) >= 10, 'alice at the viewer');
    va.stopSending();
    await Promise.all([va.close(), vv.close(), alice.leave(), viewer.leave()]);
  });

  it('ends a kicked participant’s voice with its seat', async () => {
    const { alice, bob, va, vb } = await pair();
    const left = leaveOf(bob);
    alice.send('kick', { sessionId: bob.sessionId });
    await left;
    await until(() => !carries(va, bob.sessionId), "alice's offer without bob");
    expect((await stats(alice)).peers).toBe(1);
    await Promise.all([va.close(), vb.close(), alice.leave()]);
  });
});
