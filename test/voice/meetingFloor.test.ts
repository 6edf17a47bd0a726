import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARING_RADIUS_M } from '../../shared/protocol/voiceProtocol.ts';
import type { MeetingState } from '../../shared/schema/MeetingState.ts';
import {
  CAST,
  clientAs,
  createDataspace,
  createMeeting,
  grantElevation,
  untilState,
} from '../realtime/realtimeHarness.ts';
import { joinVoice, type NodeVoicePeer } from './nodeVoicePeer.ts';
import { seat, startVoiceRig, until, type VoiceRig } from './voiceHarness.ts';

let rig: VoiceRig;
let ds: string;
let meetingId: string;
beforeAll(async () => {
  rig = await startVoiceRig(1);
  ds = await createDataspace(rig.h.sql, 'a1');
  await grantElevation(rig.h.sql, 'b1', 'a1', ds, 'write');
  meetingId = await createMeeting(rig.h.sql, 'a1', ds);
});
afterAll(() => rig.stop());

const carries = (v: NodeVoicePeer, sessionId: string) =>
  Object.values(v.last?.tracks ?? {}).includes(sessionId);
const FAR = HEARING_RADIUS_M + 10;

async function meeting(persona: 'a1' | 'b1'): Promise<SdkRoom<unknown, MeetingState>> {
  const room = await (await clientAs(rig.h, persona)).joinOrCreate<MeetingState>('meeting', { meetingId });
  await untilState(room, (s) => s.participants?.has(room.sessionId) === true);
  return room;
}

// media handshakes (DTLS in pure TypeScript) on a loaded 2-core machine take seconds each; every
// wait below is on an event, and a failed handshake rejects at once (weriftVoicePeer `ready`)
describe("the meeting's current speaker in the dataspace's voice", { timeout: 60_000 }, () => {
  it('carries the floor holder room-wide, and the loudest participant while nobody holds the floor', async () => {
    const alice = await seat(rig.h, 'a1', ds, 0);
    const bob = await seat(rig.h, 'b1', ds, FAR);
    const [va, vb] = [joinVoice(alice), joinVoice(bob)];
    await until(() => carries(va, bob.sessionId), "alice's offer carrying bob");
    await Promise.all([va.ready(), vb.ready()]);
    // bob silent, far away, no meeting floor: nothing of him reaches alice
    vb.send(127);
    await until(() => vb.sent >= 50, 'a second of bob');
    expect(va.received.get(bob.sessionId) ?? 0).toBe(0);

    // bob raises his hand in the meeting, alice (host) gives him the floor: heard room-wide, even silent
    const [ma, mb] = [await meeting('a1'), await meeting('b1')];
    expect(ma.state.activeSpeaker).toBe('');
    mb.send('raiseHand', {});
    await untilState(ma, (s) => s.speakerQueue.length === 1);
    ma.send('nextSpeaker', {});
    await untilState(ma, (s) => s.speaker === mb.sessionId);
    await until(() => (va.received.get(bob.sessionId) ?? 0) >= 25, 'bob at alice, room-wide');
    await until(
      () => va.messages.some((m) => m.kind === 'floor' && m.speakers.includes(bob.sessionId)),
      "alice's client told bob is heard room-wide",
    );
    vb.send(20);
    await untilState(alice, (s) => s.avatars.get(bob.sessionId)?.speaking === true);

    // the floor back to nobody: the meeting shows the voice's active speaker (bob), who keeps it
    ma.send('nextSpeaker', {});
    await untilState(ma, (s) => s.speaker === '' && s.activeSpeaker === CAST.b1);
    const now = va.received.get(bob.sessionId)!;
    await until(
      () => (va.received.get(bob.sessionId) ?? 0) >= now + 25,
      'bob still heard as the active speaker',
    );

    // once he leaves the meeting, he is out of range again
    await mb.leave();
    await until(
      () => va.messages.some((m) => m.kind === 'floor' && m.speakers.length === 0),
      'the floor emptied',
    );
    const stopped = va.received.get(bob.sessionId)!;
    const sent = vb.sent;
    await until(() => vb.sent >= sent + 50, 'another second of bob');
    expect(va.received.get(bob.sessionId)! - stopped).toBeLessThan(10);
    vb.stopSending();
    await Promise.all([va.close(), vb.close(), alice.leave(), bob.leave(), ma.leave()]);
  });
});
