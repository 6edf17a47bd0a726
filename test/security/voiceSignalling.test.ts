/**
 * Door: the voice signalling carried by the spatial room connection (voiceJoin, voiceAnswer,
 * voiceCandidate, voiceLeave, muteAll) and what reaches the SFU through it. Tried as Bob: without a
 * seat in Alice's room, as a viewer (read grant) who wants to publish, with messages naming other
 * peers or producers, with stale and oversized answers, claiming `speaking`, and after his access
 * ended. Alice (host) listens throughout and must hear nothing she should not.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOICE_SDP_CHUNK_CHARS, VOICE_SDP_MAX_CHARS } from '../../shared/protocol/voiceProtocol.ts';
import type { RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { SfuStats } from '../../server/voice/sfuProtocol.ts';
import {
  createDataspace,
  grantElevation,
  leaveOf,
  nextMessage,
  revokeElevation,
  untilState,
} from '../realtime/realtimeHarness.ts';
import { joinVoice, type NodeVoicePeer } from '../voice/nodeVoicePeer.ts';
import { seat, startVoiceRig, until, type VoiceRig } from '../voice/voiceHarness.ts';

let rig: VoiceRig;
let aliceDs: string;
let bobDs: string;
beforeAll(async () => {
  rig = await startVoiceRig(1);
  aliceDs = await createDataspace(rig.h.sql, 'a1', 'Salle d’Alice');
  bobDs = await createDataspace(rig.h.sql, 'b1', 'Salle de Bob');
  // Bob's business identity only watches Alice's room
  await grantElevation(rig.h.sql, 'b2', 'a1', aliceDs, 'read');
});
afterAll(() => rig.stop());

const stats = async (room: SdkRoom): Promise<SfuStats> =>
  (await rig.h.rt.deps.voice!.sfus[0]!.call({ op: 'stats', reset: false, room: room.roomId })).stats!;
const carries = (v: NodeVoicePeer, sessionId: string) =>
  Object.values(v.last?.tracks ?? {}).includes(sessionId);
const refusal = (room: SdkRoom) => nextMessage<RealtimeErrorMessage>(room, 'error');

// media handshakes (DTLS in pure TypeScript) on a loaded 2-core machine take seconds each; every
// wait below is on an event, and a failed handshake rejects at once (weriftVoicePeer `ready`)
describe('voice signalling door', { timeout: 60_000 }, () => {
  it('refuses a client’s claim of speaking: only the audio level sets it', async () => {
    const alice = await seat(rig.h, 'a1', aliceDs, 0);
    const refused = refusal(alice);
    alice.send('speaking', { speaking: true });
    expect((await refused).code).toBe('unknown_message');
    expect(alice.state.avatars.get(alice.sessionId)!.speaking).toBe(false);
    await alice.leave();
  });

  it('keeps a voice seated in another room out of this one, whatever the positions', async () => {
    const alice = await seat(rig.h, 'a1', aliceDs, 0);
    const bob = await seat(rig.h, 'b1', bobDs, 0);
    const [va, vb] = [joinVoice(alice), joinVoice(bob)];
    await Promise.all([va.ready(), vb.ready()]);
    vb.send(10);
    await untilState(bob, (s) => s.avatars.get(bob.sessionId)?.speaking === true);
    await until(() => vb.sent >= 50, 'a second of bob');
    expect(carries(va, bob.sessionId)).toBe(false);
    expect([...va.received.keys()]).toEqual([]);
    vb.stopSending();
    await Promise.all([va.close(), vb.close(), alice.leave(), bob.leave()]);
  });

  it('refuses signalling that names another peer, producer or role', async () => {
    const alice = await seat(rig.h, 'a1', aliceDs, 0);
    const viewer = await seat(rig.h, 'b2', aliceDs, 1);
    const va = joinVoice(alice);
    await va.ready();
    const forged: [string, unknown][] = [
      ['voiceJoin', { publish: true }],
      ['voiceJoin', { sessionId: alice.sessionId }],
      ['voiceAnswer', { revision: 1, chunk: 'v=0', last: true, peer: alice.sessionId }],
      ['voiceCandidate', { candidate: '', sdpMid: '0', sdpMLineIndex: 0, producerId: alice.sessionId }],
      ['voiceLeave', { sessionId: alice.sessionId }],
    ];
    for (const [type, payload] of forged) {
      const refused = refusal(viewer);
      viewer.send(type, payload);
      const error = await refused;
      expect(error).toMatchObject({ code: 'invalid_message', type });
    }
    // none of it touched Alice's session
    expect((await stats(alice)).peers).toBe(1);
    expect(va.messages.filter((m) => m.kind === 'closed')).toEqual([]);
    await Promise.all([va.close(), alice.leave(), viewer.leave()]);
  });

  it('refuses answers before joining, for another offer, and beyond the size cap', async () => {
    const bob = await seat(rig.h, 'b1', bobDs, 0);
    let refused = refusal(bob);
    bob.send('voiceAnswer', { revision: 1, chunk: 'v=0', last: true });
    expect(await refused).toMatchObject({ code: 'not_found', type: 'voiceAnswer' });
    refused = refusal(bob);
    bob.send('voiceCandidate', {
      candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    });
    expect(await refused).toMatchObject({ code: 'not_found', type: 'voiceCandidate' });

    const offered = nextMessage<{ kind: string; revision: number }>(bob, 'voice');
    bob.send('voiceJoin', {});
    const { revision } = await offered;
    refused = refusal(bob);
    bob.send('voiceAnswer', { revision: revision + 7, chunk: 'v=0', last: true });
    expect(await refused).toMatchObject({ code: 'invalid_message', type: 'voiceAnswer' });

    refused = refusal(bob);
    const chunk = 'a'.repeat(VOICE_SDP_CHUNK_CHARS);
    for (let sent = 0; sent <= VOICE_SDP_MAX_CHARS; sent += chunk.length) {
      bob.send('voiceAnswer', { revision, chunk, last: false });
    }
    expect((await refused).message).toMatch(/too long/);
    refused = refusal(bob);
    bob.send('voiceAnswer', { revision, chunk: 'not an sdp', last: true });
    expect(await refused).toMatchObject({ code: 'invalid_message', type: 'voiceAnswer' });
    refused = refusal(bob);
    bob.send('voiceAnswer', { revision, chunk: 'v=0\r\na=mid:7\r\n', last: true });
    expect((await refused).message).toMatch(/m-lines/);
    await bob.leave();
  });

  it('refuses a burst of trickled candidates beyond the room’s action rate', async () => {
    const bob = await seat(rig.h, 'b1', bobDs, 0);
    const vb = joinVoice(bob);
    await vb.ready();
    const errors: RealtimeErrorMessage[] = [];
    bob.onMessage('error', (e: RealtimeErrorMessage) => errors.push(e));
    for (let i = 0; i < 40; i += 1) {
      bob.send('voiceCandidate', {
        candidate: `candidate:${i} 1 udp 2122260223 127.0.0.1 ${21_000 + i} typ host`,
        sdpMid: '0',
        sdpMLineIndex: 0,
      });
    }
    await until(() => errors.some((e) => e.code === 'rate_limited'), 'a rate-limit refusal');
    expect(errors.every((e) => e.type === 'voiceCandidate')).toBe(true);
    // the connection stays usable
    expect(bob.connection.isOpen).toBe(true);
    await Promise.all([vb.close(), bob.leave()]);
  });

  it('never forwards a viewer that publishes anyway', async () => {
    const alice = await seat(rig.h, 'a1', aliceDs, 0);
    const viewer = await seat(rig.h, 'b2', aliceDs, 1);
    const va = joinVoice(alice);
    const vv = joinVoice(viewer, { publishAnyway: true });
    await until(() => carries(vv, alice.sessionId), "the viewer's offer carrying alice");
    await Promise.all([va.ready(), vv.ready()]);
    expect(vv.last!.publishMid).toBeUndefined();
    vv.send(5);
    va.send(20);
    // a second of both: the viewer hears alice, alice hears nothing of the viewer
    await until(() => vv.sent >= 50 && (vv.received.get(alice.sessionId) ?? 0) >= 25, 'a second of both');
    expect(va.received.get(viewer.sessionId) ?? 0).toBe(0);
    expect(carries(va, viewer.sessionId)).toBe(false);
    expect(alice.state.avatars.get(viewer.sessionId)!.speaking).toBe(false);
    vv.stopSending();
    va.stopSending();
    await Promise.all([va.close(), vv.close(), alice.leave(), viewer.leave()]);
  });

  it('leaves a muted participant no message to lift the mute', async () => {
    const ds = await createDataspace(rig.h.sql, 'a1', 'Salle modérée');
    await grantElevation(rig.h.sql, 'b1', 'a1', ds, 'write');
    const alice = await seat(rig.h, 'a1', ds, 0);
    const bob = await seat(rig.h, 'b1', ds, 1);
    alice.send('mute', { sessionId: bob.sessionId, muted: true });
    await untilState(bob, (s) => s.avatars.get(bob.sessionId)?.muted === true);
    for (const [type, payload] of [
      ['mute', { sessionId: bob.sessionId, muted: false }],
      ['muteAll', { muted: false }],
      ['setRole', { sessionId: bob.sessionId, role: 'moderator' }],
    ] as const) {
      const refused = refusal(bob);
      bob.send(type, payload);
      expect(await refused).toMatchObject({ code: 'forbidden', type });
    }
    expect(alice.state.avatars.get(bob.sessionId)!.muted).toBe(true);
    await Promise.all([alice.leave(), bob.leave()]);
  });

  it('ends the voice of a participant whose access ended', async () => {
    const ds = await createDataspace(rig.h.sql, 'a1', 'Salle révoquée');
    const grant = await grantElevation(rig.h.sql, 'b1', 'a1', ds, 'write');
    const alice = await seat(rig.h, 'a1', ds, 0);
    const bob = await seat(rig.h, 'b1', ds, 1);
    const [va, vb] = [joinVoice(alice), joinVoice(bob)];
    await until(() => carries(va, bob.sessionId), "alice's offer carrying bob");
    await Promise.all([va.ready(), vb.ready()]);
    const evicted = leaveOf(bob);
    await revokeElevation(rig.h.sql, grant);
    expect((await evicted).code).toBe(4403);
    await until(() => !carries(va, bob.sessionId), "alice's offer without bob");
    expect((await stats(alice)).peers).toBe(1);
    await Promise.all([va.close(), vb.close(), alice.leave()]);
  });
});
