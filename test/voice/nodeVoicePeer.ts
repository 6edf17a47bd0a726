/**
 * A voice participant in Node for tests: a werift peer (weriftVoicePeer.ts) whose signalling goes
 * through a spatial room connection, as a browser's does (voiceJoin → offer → chunked answer).
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { VOICE_SDP_CHUNK_CHARS, type VoiceServerMessage } from '../../shared/protocol/voiceProtocol.ts';
import {
  createWeriftVoicePeer,
  type PeerIce,
  type PeerMischief,
  type WeriftVoicePeer,
} from './weriftVoicePeer.ts';

export interface NodeVoicePeer extends WeriftVoicePeer {
  readonly room: SdkRoom;
  /** Every `voice` message received ('closed' ones included). */
  readonly messages: VoiceServerMessage[];
}

/** Sends `voiceJoin` on `room` and handles every offer that follows. */
export function joinVoice(room: SdkRoom, mischief: PeerMischief = {}, ice: PeerIce = {}): NodeVoicePeer {
  const core = createWeriftVoicePeer(
    (revision, sdp) => {
      for (let i = 0; i < sdp.length; i += VOICE_SDP_CHUNK_CHARS) {
        room.send('voiceAnswer', {
          revision,
          chunk: sdp.slice(i, i + VOICE_SDP_CHUNK_CHARS),
          last: i + VOICE_SDP_CHUNK_CHARS >= sdp.length,
        });
      }
    },
    mischief,
    undefined,
    ice,
  );
  const messages: VoiceServerMessage[] = [];
  const off = room.onMessage('voice', (message: VoiceServerMessage) => {
    messages.push(message);
    if (message.kind === 'offer') core.offer(message);
    else core.poke();
  });
  const close = core.close.bind(core);
  const peer = Object.assign(core, {
    room,
    messages,
    async close() {
      off();
      await close();
    },
  });
  room.send('voiceJoin', {});
  return peer;
}
