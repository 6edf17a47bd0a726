import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARING_RADIUS_M } from '../../shared/protocol/voiceProtocol.ts';
import { createDataspace, grantElevation, untilState } from '../realtime/realtimeHarness.ts';
import { joinVoice } from './nodeVoicePeer.ts';
import { poseAt, seat, startVoiceRig, until, type VoiceRig } from './voiceHarness.ts';

let rig: VoiceRig;
beforeAll(async () => {
  rig = await startVoiceRig(1);
});
afterAll(() => rig.stop());

const LOUD = 20;
const SILENT = 127;

// media handshakes (DTLS in pure TypeScript) on a loaded 2-core machine take seconds each; every
// wait below is on an event, and a failed handshake rejects at once (weriftVoicePeer `ready`)
describe('voice through the SFU process', { timeout: 60_000 }, () => {
  it('forwards a speaker to a listener within hearing radius, and sets speaking from the audio level', async () => {
    const ds = await createDataspace(rig.h.sql, 'a1');
    await grantElevation(rig.h.sql, 'b1', 'a1', ds, 'write');
    const alice = await seat(rig.h, 'a1', ds, 0);
    const bob = await seat(rig.h, 'b1', ds, 3);
    const [va, vb] = [joinVoice(alice), joinVoice(bob)];
    await Promise.all([va.ready(), vb.ready()]);
    await until(
      () => vb.last?.tracks !== undefined && Object.values(vb.last.tracks).includes(alice.sessionId),
      "bob's offer carrying alice",
    );
    await vb.ready();
    va.send(LOUD);
    await until(() => (vb.received.get(alice.sessionId) ?? 0) >= 25, 'packets from alice at bob');
    await untilState(bob, (s) => s.avatars.get(alice.sessionId)?.speaking === true);
    va.send(SILENT);
    await untilState(bob, (s) => s.avatars.get(alice.sessionId)?.speaking === false);
    expect(vb.received.get(bob.sessionId)).toBeUndefined();
    va.stopSending();
    await Promise.all([va.close(), vb.close()]);
    await Promise.all([alice.leave(), bob.leave()]);
  });

  it('forwards nothing to a listener beyond the hearing radius', async () => {
    const ds = await createDataspace(rig.h.sql, 'a1');
    await grantElevation(rig.h.sql, 'b1', 'a1', ds, 'write');
    await grantElevation(rig.h.sql, 'b2', 'a1', ds, 'write');
    const alice = await seat(rig.h, 'a1', ds, 0);
    const bob = await seat(rig.h, 'b1', ds, HEARING_RADIUS_M + 8);
    const carol = await seat(rig.h, 'b2', ds, -2);
    const [va, vb, vc] = [joinVoice(alice), joinVoice(bob), joinVoice(carol)];
    await Promise.all([va.ready(), vb.ready(), vc.ready()]);
    const carrying = (v: typeof vb) => Object.values(v.last?.tracks ?? {}).includes(alice.sessionId);
    await until(() => carrying(vb) && carrying(vc), 'offers carrying alice');
    await Promise.all([vb.ready(), vc.ready()]);
    va.send(LOUD);
    // carol, near, hears a second of alice; bob, out of range, gets none of it
    await until(() => (vc.received.get(alice.sessionId) ?? 0) >= 50, 'a second of alice at carol');
    expect(vb.received.get(alice.sessionId) ?? 0).toBe(0);
    // once he walks in, he does
    bob.send('pose', poseAt(4));
    await until(() => (vb.received.get(alice.sessionId) ?? 0) > 0, 'packets once bob came near');
    va.stopSending();
    await Promise.all([va.close(), vb.close(), vc.close()]);
    await Promise.all([alice.leave(), bob.leave(), carol.leave()]);
  });
});
