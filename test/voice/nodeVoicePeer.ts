/**
 * A voice participant in Node for tests and the voice bench: joins a spatial room's voice through
 * the room connection (voiceJoin → offer → chunked answer), publishes synthetic Opus-sized RTP with
 * the RFC 6464 audio-level extension at 50 packets/s, and counts what it receives per speaker. The
 * peer connection is werift's, as the SFU's, on loopback only.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  useAudioLevelIndication,
  useSdesMid,
  type RTCRtpTransceiver,
} from 'werift';
import { AUDIO_LEVEL_URI } from '../../server/voice/audioLevel.ts';
import { VOICE_SDP_CHUNK_CHARS, type VoiceServerMessage } from '../../shared/protocol/voiceProtocol.ts';

type Offer = Extract<VoiceServerMessage, { kind: 'offer' }>;

/** A 20 ms Opus-sized payload; the SFU never decodes it. */
const PAYLOAD = Buffer.alloc(80, 0x5a);

export interface NodeVoicePeer {
  readonly room: SdkRoom;
  /** Packets received, by speaking session id. */
  readonly received: Map<string, number>;
  /** When the last packet of each speaker arrived (performance.now()). */
  readonly lastAt: Map<string, number>;
  /** Packets published so far. */
  sent: number;
  /** Offers received so far, and the latest. */
  offers: number;
  last: Offer | undefined;
  /** Every `voice` message received ('closed' ones included). */
  readonly messages: VoiceServerMessage[];
  readonly pc: () => RTCPeerConnection | undefined;
  /** Publishes packets at `level` (-dBov, 0 loudest … 127 silence) every 20 ms until stopped. */
  send(level: number): void;
  stopSending(): void;
  /** Sends one packet now (what `send` does each tick). */
  sendOne(level: number): Promise<void>;
  /** Resolves when the media connection is up and the latest offer is answered. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

function peerConfig(): ConstructorParameters<typeof RTCPeerConnection>[0] {
  return {
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
    },
    headerExtensions: { audio: [useSdesMid(), useAudioLevelIndication()] },
    bundlePolicy: 'max-bundle',
    iceUseIpv4: true,
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
  };
}

/** Hostile behaviours for the security suite. */
export interface PeerMischief {
  /** Publish on the first m-line even when the offer gives no microphone m-line (a viewer, say). */
  publishAnyway?: boolean;
}

/** Sends `voiceJoin` on `room` and handles every offer that follows. */
export function joinVoice(room: SdkRoom, mischief: PeerMischief = {}): NodeVoicePeer {
  let pc: RTCPeerConnection | undefined;
  let publishTx: RTCRtpTransceiver | undefined;
  let levelId: number | undefined;
  let tracks: Record<string, string> = {};
  let timer: NodeJS.Timeout | undefined;
  let seq = Math.floor(Math.random() * 60_000);
  let ts = Math.floor(Math.random() * 2 ** 31);
  let answering = Promise.resolve();
  let answered = 0;
  const counted = new WeakSet<RTCRtpTransceiver>();
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };

  const peer: NodeVoicePeer = {
    room,
    received: new Map(),
    lastAt: new Map(),
    sent: 0,
    offers: 0,
    last: undefined,
    messages: [],
    pc: () => pc,
    send(level) {
      peer.stopSending();
      timer = setInterval(() => void peer.sendOne(level), 20);
    },
    stopSending() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    async sendOne(level) {
      if (!publishTx || levelId === undefined) return;
      seq = (seq + 1) & 0xffff;
      ts = (ts + 960) >>> 0;
      const header = new RtpHeader({
        payloadType: 111,
        sequenceNumber: seq,
        timestamp: ts,
        extension: true,
        extensions: [{ id: levelId, payload: Buffer.from([level & 0x7f]) }],
      });
      peer.sent += 1;
      await publishTx.sender.sendRtp(new RtpPacket(header, PAYLOAD)).catch(() => undefined);
    },
    ready: () =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (pc?.connectionState === 'connected' && peer.last && answered === peer.last.revision) resolve();
          else waiters.push(check);
        };
        check();
      }),
    async close() {
      off();
      peer.stopSending();
      await pc?.close();
    },
  };

  const countFrom = (tx: RTCRtpTransceiver) => {
    if (counted.has(tx)) return;
    counted.add(tx);
    tx.receiver.track.onReceiveRtp.subscribe(() => {
      const from = tx.mid === null ? undefined : tracks[tx.mid];
      if (!from) return;
      peer.received.set(from, (peer.received.get(from) ?? 0) + 1);
      peer.lastAt.set(from, performance.now());
    });
  };

  const answer = async (offer: Offer) => {
    if (!pc) {
      pc = new RTCPeerConnection(peerConfig());
      pc.connectionStateChange.subscribe(wake);
    }
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    tracks = offer.tracks;
    for (const [i, tx] of pc.getTransceivers().entries()) {
      if (tx.mid !== null && tx.mid === offer.publishMid) {
        tx.setDirection('sendonly');
        publishTx = tx;
      } else if (mischief.publishAnyway && offer.publishMid === undefined && i === 0) {
        tx.setDirection('sendrecv');
        publishTx = tx;
        countFrom(tx);
      } else {
        countFrom(tx);
      }
    }
    await pc.setLocalDescription(await pc.createAnswer());
    const ids = pc.extIdUriMap;
    const found = Object.keys(ids).find((id) => ids[Number(id)] === AUDIO_LEVEL_URI);
    levelId = found === undefined ? undefined : Number(found);
    const sdp = pc.localDescription!.sdp;
    for (let i = 0; i < sdp.length; i += VOICE_SDP_CHUNK_CHARS) {
      room.send('voiceAnswer', {
        revision: offer.revision,
        chunk: sdp.slice(i, i + VOICE_SDP_CHUNK_CHARS),
        last: i + VOICE_SDP_CHUNK_CHARS >= sdp.length,
      });
    }
    answered = offer.revision;
    wake();
  };

  const off = room.onMessage('voice', (message: VoiceServerMessage) => {
    peer.messages.push(message);
    if (message.kind !== 'offer') return wake();
    peer.offers += 1;
    peer.last = message;
    answering = answering.then(() => answer(message)).catch(() => undefined);
  });
  room.send('voiceJoin', {});
  return peer;
}
