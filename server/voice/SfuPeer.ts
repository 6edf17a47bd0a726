import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { LevelMeter } from './audioLevel.ts';
import type { OutboundStream } from './OutboundStream.ts';

/**
 * One participant's session on the SFU: its peer connection, the m-line its microphone arrives on
 * (publishers only), one outbound m-line per other publisher of the room, and who hears it now.
 * The SFU (Sfu.ts) owns every mutation; this holds state only.
 */
export class SfuPeer {
  /** The m-line the microphone arrives on; absent for a listen-only seat. */
  publishTx: RTCRtpTransceiver | undefined;
  /** speaker peer id → the m-line of this connection that carries that speaker's voice. */
  readonly outbound = new Map<string, OutboundStream>();
  /** Listeners currently receiving this peer's voice (the inverse of their `selected`). */
  readonly listeners = new Set<SfuPeer>();
  /** Speakers this peer currently receives. */
  readonly selected = new Set<string>();
  readonly meter = new LevelMeter();
  /** Header extension id of the audio level on this connection, once negotiated. */
  levelExtensionId: number | undefined;
  connected = false;
  closed = false;
  /** Offers made so far; the answer must name the latest. */
  revision = 0;
  awaitingAnswer = false;
  /** A change arrived while an offer was out: offer again after the answer. */
  renegotiate = false;
  /** When this peer's voice last went out to a listener (epoch ms; 0 never). */
  lastForwardedAtMs = 0;
  /** ICE candidates the client trickled, bounded. */
  candidates = 0;
  x = 0;
  y = 0;
  z = 0;

  constructor(
    readonly id: string,
    readonly pc: RTCPeerConnection,
    /** May publish at all (the seat's role allows it). */
    public publish: boolean,
    /** Muted by a moderator: never forwarded, whatever the client does. */
    public muted: boolean,
  ) {}

  /** True when this peer's voice may be forwarded now. */
  get forwardable(): boolean {
    return this.publish && !this.muted && !this.closed && this.publishTx !== undefined;
  }
}
