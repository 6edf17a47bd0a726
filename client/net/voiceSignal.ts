import { Callbacks, type Room } from '@colyseus/sdk';
import {
  SPATIAL_CLIENT,
  SPATIAL_SERVER,
  type RealtimeErrorMessage,
} from '../../shared/protocol/spatialProtocol.ts';
import {
  VOICE_CLIENT,
  VOICE_SDP_CHUNK_CHARS,
  type VoiceServerMessage,
} from '../../shared/protocol/voiceProtocol.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import type { VoiceParticipant, VoiceSelf, VoiceSignal } from '../voice/VoiceSignal.ts';
import { createChannel } from './channel.ts';

/** Voice message types: the room's refusals of these go to the voice, not to the room's notices. */
export const VOICE_TYPES: ReadonlySet<string> = new Set(Object.values(VOICE_CLIENT));

/**
 * The voice's signalling over a live SpatialRoom connection: voice messages out (the answer in
 * chunks under the transport's frame cap), `voice` messages and voice refusals in, the own avatar's
 * moderator mute and role, the other seats (name, role, mute, speaking) for a moderator's list, and
 * the connection coming back after a drop.
 */
export function createVoiceSignal(
  room: Room<unknown, SpatialState>,
  refusals: { on(cb: (e: RealtimeErrorMessage) => void): () => void },
): VoiceSignal {
  const messages = createChannel<VoiceServerMessage>();
  const reconnects = createChannel<undefined>();
  const selves = createChannel<VoiceSelf>();
  room.onMessage(SPATIAL_SERVER.voice, (m: VoiceServerMessage) => messages.emit(m));
  room.onReconnect(() => reconnects.emit(undefined));
  const self = (): VoiceSelf => {
    const a = room.state?.avatars?.get(room.sessionId);
    return { muted: a?.muted ?? false, role: a?.role ?? 'participant' };
  };
  let last = '';
  const check = () => {
    const now = self();
    const key = `${now.muted}:${now.role}`;
    if (key === last) return;
    last = key;
    selves.emit(now);
  };
  const others = createChannel<readonly VoiceParticipant[]>();
  const participants = (): readonly VoiceParticipant[] => {
    const list: VoiceParticipant[] = [];
    // the own identity's other devices are not someone to moderate
    const own = room.state?.avatars?.get(room.sessionId)?.identityId;
    room.state?.avatars?.forEach((a, sessionId) => {
      if (sessionId === room.sessionId || a.identityId === own) return;
      const { identityId, displayName, role, muted, speaking } = a;
      list.push({ sessionId, identityId, displayName, role, muted, speaking });
    });
    return list;
  };
  // several fields of one patch change together: the list goes out once, after the patch
  let pending = false;
  const changed = () => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      others.emit(participants());
    });
  };
  // the own avatar arrives with the first state; moderation changes its `muted` and `role`
  const cb = Callbacks.get(room);
  cb.onAdd('avatars', (avatar, id) => {
    if (id !== room.sessionId) {
      changed();
      for (const field of ['displayName', 'role', 'muted', 'speaking'] as const)
        cb.listen(avatar, field, changed);
      return;
    }
    check();
    cb.listen(avatar, 'muted', check);
    cb.listen(avatar, 'role', check);
  });
  cb.onRemove('avatars', changed);
  return {
    selfId: room.sessionId,
    join: () => room.send(VOICE_CLIENT.voiceJoin, {}),
    answer(revision, sdp) {
      for (let i = 0; i < sdp.length || i === 0; i += VOICE_SDP_CHUNK_CHARS) {
        room.send(VOICE_CLIENT.voiceAnswer, {
          revision,
          chunk: sdp.slice(i, i + VOICE_SDP_CHUNK_CHARS),
          last: i + VOICE_SDP_CHUNK_CHARS >= sdp.length,
        });
      }
    },
    candidate: (c) =>
      room.send(VOICE_CLIENT.voiceCandidate, {
        candidate: c.candidate ?? '',
        sdpMid: c.sdpMid ?? null,
        sdpMLineIndex: c.sdpMLineIndex ?? null,
      }),
    leave: () => room.send(VOICE_CLIENT.voiceLeave, {}),
    onMessage: (fn) => messages.on(fn),
    onRefusal: (fn) => refusals.on(fn),
    onReconnect: (fn) => reconnects.on(() => fn()),
    self,
    onSelf: (fn) => selves.on(fn),
    muteAll: (m) => room.send(VOICE_CLIENT.muteAll, { muted: m }),
    mute: (sessionId, muted) => room.send(SPATIAL_CLIENT.mute, { sessionId, muted }),
    participants,
    onParticipants: (fn) => others.on(fn),
  };
}
