import { RtpHeader, type RTCPeerConnection, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import { AUDIO_LEVEL_URI } from './audioLevel.ts';

const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
/** RFC 8285 one-byte header extensions. */
const ONE_BYTE_PROFILE = 0xbede;

interface FastPath {
  encrypt(payload: Buffer, header: RtpHeader): Buffer;
  send(data: Buffer): Promise<void>;
}

/**
 * One speaker's voice on one listener's connection: the m-line (sendonly transceiver) carrying it,
 * and the packet path. The SFU forwards a packet per listener, so this path is the hot one: instead
 * of werift's generic `RTCRtpSender.sendRtp` (a packet clone, header-extension rebuild and sort,
 * BigInt NTP time and sender statistics per call), it rewrites one reused header — this m-line's
 * SSRC and payload type, its MID and the speaker's audio level as extensions, sequence number and
 * timestamp passed through — then encrypts with the connection's SRTP session and hands it to the
 * nominated ICE pair. Audio needs no sender reports or retransmissions here.
 */
export class OutboundStream {
  private fast: FastPath | undefined;
  private readonly header = new RtpHeader({ extensionProfile: ONE_BYTE_PROFILE });
  private readonly levelExt = { id: 0, payload: Buffer.alloc(1) };
  private readonly extensions: { id: number; payload: Buffer }[] = [];
  /** Extensions every packet carries (the MID); the level follows them. */
  private fixedExtensions = 0;

  constructor(
    readonly tx: RTCRtpTransceiver,
    private readonly pc: RTCPeerConnection,
  ) {}

  /**
   * Sends one packet of the speaker's voice: resolves once handed to the socket, or undefined at
   * once when the connection cannot carry it yet (not negotiated, DTLS not up, m-line stopped).
   */
  send(rtp: RtpPacket, level: number | undefined): Promise<void> | undefined {
    const fast = this.fast ?? this.prepare();
    if (!fast) return undefined;
    const h = this.header;
    const src = rtp.header;
    h.marker = src.marker;
    h.sequenceNumber = src.sequenceNumber;
    h.timestamp = src.timestamp;
    this.extensions.length = this.fixedExtensions;
    if (level !== undefined && this.levelExt.id !== 0) {
      this.levelExt.payload[0] = level;
      this.extensions.push(this.levelExt);
    }
    h.extension = this.extensions.length > 0;
    return fast.send(fast.encrypt(rtp.payload, h));
  }

  /** Binds the path once the m-line is negotiated and DTLS is up; undefined until then. */
  private prepare(): FastPath | undefined {
    const sender = this.tx.sender;
    const dtls = sender.dtlsTransport;
    if (this.tx.stopped || this.tx.mid === null || !sender.codec || dtls?.state !== 'connected')
      return undefined;
    const ids = this.pc.extIdUriMap;
    const idOf = (uri: string) => Number(Object.keys(ids).find((id) => ids[Number(id)] === uri) ?? 0);
    const [midId, levelId] = [idOf(MID_URI), idOf(AUDIO_LEVEL_URI)];
    this.header.ssrc = sender.ssrc;
    this.header.payloadType = sender.codec.payloadType;
    this.extensions.length = 0;
    // the MID names this m-line on the listener's side (BUNDLE demultiplexes on it); never the speaker's
    if (midId !== 0) this.extensions.push({ id: midId, payload: Buffer.from(this.tx.mid) });
    this.fixedExtensions = this.extensions.length;
    this.levelExt.id = levelId;
    this.header.extensions = this.extensions;
    const srtp = dtls.srtp;
    const connection = dtls.iceTransport.connection;
    this.fast = {
      encrypt: (payload, header) => srtp.encrypt(payload, header),
      send: (data) => connection.send(data),
    };
    return this.fast;
  }
}
