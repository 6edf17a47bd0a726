/**
 * A werift peer speaking the SFU's offer/answer: answers each offer (publishing on the m-line the
 * offer names), publishes synthetic Opus RTP with the RFC 6464 audio-level extension at 50
 * packets/s, and counts what it receives per speaker. Loopback only. Signalling is the caller's:
 * the room connection in tests (nodeVoicePeer.ts), the bench's control channel in bench:voice.
 */
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

/** What an offer carries for the peer (the SFU's SfuOffer, as the room relays it). */
export interface PeerOffer {
  revision: number;
  sdp: string;
  publishMid?: string;
  tracks: Record<string, string>;
  /** The ICE servers the room hands the session (STUN, TURN with its credential). */
  iceServers?: { urls: string[]; username?: string; credential?: string }[];
}

/** How the peer's connection does ICE. */
export interface PeerIce {
  /** Use the offer's ICE servers (a browser's RTCPeerConnection configuration). */
  useOfferServers?: boolean;
  /** iceTransportPolicy 'relay': only TURN relay candidates, as a client behind a closed network. */
  relayOnly?: boolean;
}

/**
 * Opus payloads: a 20 ms speech-sized frame (CELT fullband, 80 bytes as at ~32 kbit/s) and the
 * 3-byte 20 ms silence frame Opus encoders emit without DTX. The SFU forwards them undecoded.
 */
const SPEECH = Buffer.concat([Buffer.from([0xfc]), Buffer.alloc(79, 0x5a)]);
const SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

/** Hostile behaviours for the security suite. */
export interface PeerMischief {
  /** Publish on the first m-line even when the offer gives no microphone m-line (a viewer, say). */
  publishAnyway?: boolean;
}

export interface WeriftVoicePeer {
  /** Packets received, by speaking session id. */
  readonly received: Map<string, number>;
  /** When the last packet of each speaker arrived (performance.now()). */
  readonly lastAt: Map<string, number>;
  /** Packets received in all. */
  receivedTotal: number;
  /** Packets published so far. */
  sent: number;
  /** Offers received so far, and the latest. */
  offers: number;
  last: PeerOffer | undefined;
  readonly pc: () => RTCPeerConnection | undefined;
  /** Handles an offer (queued behind the previous one). */
  offer(offer: PeerOffer): void;
  /** Publishes packets at `level` (-dBov, 0 loudest … 127 silence) every 20 ms until stopped. */
  send(level: number): void;
  stopSending(): void;
  /** Sends one packet now (what `send` does each tick). */
  sendOne(level: number): Promise<void>;
  /** Resolves when the media connection is up and the latest offer is answered; rejects when it failed. */
  ready(): Promise<void>;
  /** What `ready` waits for, now. */
  isReady(): boolean;
  /** Calls `wake` listeners: something the caller waits on may have changed. */
  poke(): void;
  /** Called when the media connection fails (the SFU has dropped the session; join again). */
  onFailed?: () => void;
  /** Drops the connection and everything negotiated, ready for a new join's first offer. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

function peerConfig(offer: PeerOffer, ice: PeerIce): ConstructorParameters<typeof RTCPeerConnection>[0] {
  return {
    ...(ice.useOfferServers && offer.iceServers ? { iceServers: offer.iceServers } : {}),
    ...(ice.relayOnly ? { iceTransportPolicy: 'relay' as const } : {}),
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

/**
 * A peer whose answers go out through `sendAnswer`; with `gate`, it answers nothing before the gate
 * opens (a crowd joining at once then negotiates once each, as offers made meanwhile coalesce).
 */
export function createWeriftVoicePeer(
  sendAnswer: (revision: number, sdp: string) => void,
  mischief: PeerMischief = {},
  gate: Promise<void> = Promise.resolve(),
  ice: PeerIce = {},
): WeriftVoicePeer {
  let pc: RTCPeerConnection | undefined;
  let publishTx: RTCRtpTransceiver | undefined;
  let levelId: number | undefined;
  let tracks: Record<string, string> = {};
  let timer: NodeJS.Timeout | undefined;
  let seq = Math.floor(Math.random() * 60_000);
  let ts = Math.floor(Math.random() * 2 ** 31);
  let answering = gate;
  let answered = 0;
  const counted = new WeakSet<RTCRtpTransceiver>();
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };

  const peer: WeriftVoicePeer = {
    received: new Map(),
    lastAt: new Map(),
    receivedTotal: 0,
    sent: 0,
    offers: 0,
    last: undefined,
    pc: () => pc,
    offer(offer) {
      peer.offers += 1;
      peer.last = offer;
      answering = answering.then(() => answer(offer)).catch(() => undefined);
    },
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
      const payload = level >= 127 ? SILENCE : SPEECH;
      await publishTx.sender.sendRtp(new RtpPacket(header, payload)).catch(() => undefined);
    },
    ready: () =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pc?.connectionState === 'connected' && peer.last && answered === peer.last.revision) resolve();
          // a failed handshake never connects: say so rather than wait for the test's timeout
          else if (pc?.connectionState === 'failed')
            reject(new Error('voice peer: the media connection failed'));
          else waiters.push(check);
        };
        check();
      }),
    isReady: () => pc?.connectionState === 'connected' && !!peer.last && answered === peer.last.revision,
    poke: wake,
    async reset() {
      const old = pc;
      pc = undefined;
      publishTx = undefined;
      levelId = undefined;
      answered = 0;
      peer.last = undefined;
      peer.offers = 0;
      await old?.close();
    },
    async close() {
      peer.stopSending();
      await pc?.close();
    },
  };

  const countFrom = (tx: RTCRtpTransceiver) => {
    if (counted.has(tx)) return;
    counted.add(tx);
    tx.receiver.track.onReceiveRtp.subscribe(() => {
      peer.receivedTotal += 1;
      const from = tx.mid === null ? undefined : tracks[tx.mid];
      if (!from) return;
      peer.received.set(from, (peer.received.get(from) ?? 0) + 1);
      peer.lastAt.set(from, performance.now());
    });
  };

  const answer = async (offer: PeerOffer) => {
    if (!pc) {
      const own = (pc = new RTCPeerConnection(peerConfig(offer, ice)));
      own.connectionStateChange.subscribe((state) => {
        if (state === 'failed' && pc === own) peer.onFailed?.();
        wake();
      });
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
    sendAnswer(offer.revision, pc.localDescription!.sdp);
    answered = offer.revision;
    wake();
  };

  return peer;
}
