import type { RtpPacket } from 'werift';
import { HEARING_RADIUS_M, MAX_AUDIBLE_SPEAKERS } from '../../shared/protocol/voiceProtocol.ts';
import { AUDIO_LEVEL_URI, audioLevelOf } from './audioLevel.ts';
import { DelayHistogram } from './DelayHistogram.ts';
import { OutboundStream } from './OutboundStream.ts';
import { selectAudible } from './selectAudible.ts';
import {
  answerMismatch,
  candidateMismatch,
  createSfuPeerConnection,
  MAX_CANDIDATES,
  gathered,
  onlyCandidatesOf,
} from './sfuPeerConnection.ts';
import { SfuPeer } from './SfuPeer.ts';
import type { SfuEvent, SfuOffer } from './sfuProtocol.ts';

/** Who drives a room on this SFU (one realtime process's control connection); events go back to it. */
export interface SfuOwner {
  emit(event: SfuEvent): void;
}

/** How an SFU process binds and selects. */
export interface SfuOptions {
  /** Address the media sockets bind to (127.0.0.1 locally and in tests). */
  bindAddress: string;
  /** Address clients reach the media sockets on (the only host candidate offered). */
  announcedAddress: string;
  /** UDP port range of the media sockets (a firewall's opening), any free port when absent. */
  portRange?: [number, number];
  hearingRadiusM?: number;
  maxAudible?: number;
  /** How often the forwarding selection and `speaking` are re-evaluated. */
  selectIntervalMs?: number;
}

/** A refused control request (unknown room or peer, stale answer): its message goes back as is. */
export class SfuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SfuError';
  }
}

/** A speaker keeps its slot this long after it last spoke, so pauses between words do not cut it. */
const SELECT_HOLD_MS = 2_000;
/** A louder speaker becomes the active one after leading this long by ACTIVE_SWITCH_RATIO. */
const ACTIVE_SWITCH_MS = 400;
const ACTIVE_SWITCH_RATIO = 2;

interface SfuRoom {
  readonly id: string;
  owner: SfuOwner;
  readonly peers: Map<string, SfuPeer>;
  /** Peers holding a meeting's floor (heard room-wide). */
  floor: Set<string>;
  active: string | null;
  challenger: string | null;
  challengerSinceMs: number;
}

/**
 * A selective forwarding unit for the rooms' voices, on werift: each participant has one peer
 * connection; a publisher's Opus RTP is forwarded, undecoded, to the listeners that selected it
 * (selectAudible: the meeting's current speaker plus the loudest active speakers within hearing
 * radius, MAX_AUDIBLE_SPEAKERS in all). Loudness and `speaking` come from each packet's audio-level
 * header extension. A moderator's mute empties the speaker's listeners at once. The rooms decide
 * who may publish; this process applies what they say.
 */
export class Sfu {
  readonly delays = new DelayHistogram();
  packetsIn = 0;
  packetsForwarded = 0;
  private readonly rooms = new Map<string, SfuRoom>();
  private readonly timer: NodeJS.Timeout;
  private readonly radiusM: number;
  private readonly cap: number;
  private readonly scratch = new Set<string>();

  constructor(private readonly options: SfuOptions) {
    this.radiusM = options.hearingRadiusM ?? HEARING_RADIUS_M;
    this.cap = options.maxAudible ?? MAX_AUDIBLE_SPEAKERS;
    this.timer = setInterval(() => this.selectAll(), options.selectIntervalMs ?? 50);
    this.timer.unref();
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  /** When a peer's voice was last forwarded (epoch ms; 0 never or unknown). */
  lastForwardedAt(roomId: string, peerId: string): number {
    return this.rooms.get(roomId)?.peers.get(peerId)?.lastForwardedAtMs ?? 0;
  }

  /** Peers on this SFU, or in one room. */
  peerCount(roomId?: string): number {
    if (roomId !== undefined) return this.rooms.get(roomId)?.peers.size ?? 0;
    let n = 0;
    for (const room of this.rooms.values()) n += room.peers.size;
    return n;
  }

  /**
   * Seats `peerId` in the room's voice (replacing any earlier session of the same peer, so a
   * reconnecting client never leaves a ghost) and returns the first offer for it.
   */
  async join(
    owner: SfuOwner,
    roomId: string,
    peerId: string,
    p: { publish: boolean; muted: boolean; position: readonly [number, number, number] },
  ): Promise<SfuOffer> {
    const room = this.roomFor(owner, roomId, true);
    const old = room.peers.get(peerId);
    if (old) this.removePeer(room, old);
    const pc = createSfuPeerConnection(this.options);
    const peer = new SfuPeer(peerId, pc, p.publish, p.muted);
    [peer.x, peer.y, peer.z] = p.position;
    room.peers.set(peerId, peer);
    pc.connectionStateChange.subscribe((state) => {
      if (peer.closed) return;
      if (state === 'connected') {
        peer.connected = true;
        room.owner.emit({ event: 'peerState', room: room.id, peer: peer.id, state: 'connected' });
      } else if (state === 'failed') {
        this.removePeer(room, peer);
        room.owner.emit({ event: 'peerState', room: room.id, peer: peer.id, state: 'failed' });
      }
    });
    if (p.publish) this.startPublishing(room, peer);
    for (const other of room.peers.values()) {
      if (other !== peer && other.publishTx) this.addOutbound(peer, other);
    }
    // a listen-only seat in a room where nobody publishes yet: an offer without m-lines has no
    // transport, so werift would never finish gathering and the offer never come; one inactive
    // m-line gives the connection its transport (speakers added later get their own m-lines)
    if (!peer.publishTx && peer.outbound.size === 0)
      peer.pc.addTransceiver('audio', { direction: 'inactive' });
    return this.offer(peer);
  }

  /** Applies a client's answer to its latest offer; a stale one is refused. */
  async answer(
    owner: SfuOwner,
    roomId: string,
    peerId: string,
    revision: number,
    sdp: string,
  ): Promise<void> {
    const room = this.roomFor(owner, roomId, false);
    const peer = this.peerOf(room, peerId);
    if (!peer.awaitingAnswer || revision !== peer.revision) {
      throw new SfuError(`voice: this answer is for offer ${revision}, the current one is ${peer.revision}`);
    }
    const mismatch = answerMismatch(peer.pc.localDescription?.sdp ?? '', sdp);
    if (mismatch) throw new SfuError(`voice: the answer was refused (${mismatch})`);
    try {
      await peer.pc.setRemoteDescription({ type: 'answer', sdp });
    } catch (error) {
      throw new SfuError(`voice: the answer was refused (${(error as Error).message.slice(0, 200)})`);
    }
    if (peer.closed) return;
    peer.awaitingAnswer = false;
    const ids = peer.pc.extIdUriMap;
    peer.levelExtensionId = Number(Object.keys(ids).find((id) => ids[Number(id)] === AUDIO_LEVEL_URI));
    if (Number.isNaN(peer.levelExtensionId)) peer.levelExtensionId = undefined;
    if (peer.renegotiate) {
      peer.renegotiate = false;
      void this.negotiate(room, peer);
    }
  }

  /** Adds a client's trickled ICE candidate (bounded per session). */
  async candidate(
    owner: SfuOwner,
    roomId: string,
    peerId: string,
    c: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null },
  ): Promise<void> {
    const peer = this.peerOf(this.roomFor(owner, roomId, false), peerId);
    if (++peer.candidates > MAX_CANDIDATES) throw new SfuError('voice: too many ICE candidates');
    if (c.candidate === '') return;
    const mismatch = candidateMismatch(c.candidate);
    if (mismatch) throw new SfuError(`voice: invalid ICE candidate (${mismatch})`);
    try {
      await peer.pc.addIceCandidate({
        candidate: c.candidate,
        sdpMid: c.sdpMid ?? undefined,
        sdpMLineIndex: c.sdpMLineIndex ?? undefined,
      });
    } catch (error) {
      throw new SfuError(`voice: invalid ICE candidate (${(error as Error).message.slice(0, 200)})`);
    }
  }

  /** Ends a peer's voice session; no-op when it has none. */
  leave(owner: SfuOwner, roomId: string, peerId: string): void {
    const room = this.rooms.get(roomId);
    if (!room || room.owner !== owner) return;
    const peer = room.peers.get(peerId);
    if (peer) this.removePeer(room, peer);
    if (room.peers.size === 0) this.rooms.delete(roomId);
  }

  /**
   * What the room allows a peer: publish (its role) and muted (a moderator's mute). Taking either
   * away stops its forwarding before this returns.
   */
  policy(owner: SfuOwner, roomId: string, peerId: string, publish: boolean, muted: boolean): void {
    const room = this.roomFor(owner, roomId, false);
    const peer = this.peerOf(room, peerId);
    peer.publish = publish;
    peer.muted = muted;
    if (!peer.forwardable) this.silence(room, peer);
    if (publish && !peer.publishTx) this.startPublishing(room, peer);
  }

  /** Head positions of the room's peers (the room sends them a few times a second). */
  positions(
    owner: SfuOwner,
    roomId: string,
    list: readonly (readonly [string, number, number, number])[],
  ): void {
    const room = this.roomFor(owner, roomId, false);
    for (const [id, x, y, z] of list) {
      const peer = room.peers.get(id);
      if (peer) [peer.x, peer.y, peer.z] = [x, y, z];
    }
  }

  /** The peers holding the meeting's floor, heard room-wide. */
  floor(owner: SfuOwner, roomId: string, peers: readonly string[]): void {
    this.roomFor(owner, roomId, false).floor = new Set(peers);
  }

  /** Ends every voice session of a room. */
  closeRoom(owner: SfuOwner, roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room || room.owner !== owner) return;
    for (const peer of [...room.peers.values()]) this.removePeer(room, peer);
    this.rooms.delete(roomId);
  }

  /** A realtime process went away: its rooms' sessions end (no ghost forwards its voice). */
  dropOwner(owner: SfuOwner): void {
    for (const room of [...this.rooms.values()]) if (room.owner === owner) this.closeRoom(owner, room.id);
  }

  close(): void {
    clearInterval(this.timer);
    for (const room of [...this.rooms.values()]) this.closeRoom(room.owner, room.id);
  }

  private roomFor(owner: SfuOwner, roomId: string, create: boolean): SfuRoom {
    const room = this.rooms.get(roomId);
    if (room && room.owner === owner) return room;
    if (!create) throw new SfuError('voice: no voice session in this room');
    // the room now lives on another realtime process: the old process's sessions are ghosts
    if (room) this.closeRoom(room.owner, roomId);
    const created: SfuRoom = {
      id: roomId,
      owner,
      peers: new Map(),
      floor: new Set(),
      active: null,
      challenger: null,
      challengerSinceMs: 0,
    };
    this.rooms.set(roomId, created);
    return created;
  }

  private peerOf(room: SfuRoom, peerId: string): SfuPeer {
    const peer = room.peers.get(peerId);
    if (!peer) throw new SfuError('voice: no voice session for this participant');
    return peer;
  }

  /** Opens the peer's microphone m-line and an outbound m-line for it on every other peer. */
  private startPublishing(room: SfuRoom, peer: SfuPeer): void {
    const tx = peer.pc.addTransceiver('audio', { direction: 'recvonly' });
    peer.publishTx = tx;
    tx.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => this.forward(room, peer, rtp));
    });
    for (const other of room.peers.values()) {
      if (other === peer) continue;
      this.addOutbound(other, peer);
      void this.negotiate(room, other);
    }
    if (peer.revision > 0) void this.negotiate(room, peer);
  }

  private addOutbound(listener: SfuPeer, speaker: SfuPeer): void {
    if (listener.outbound.has(speaker.id)) return;
    const tx = listener.pc.addTransceiver('audio', { direction: 'sendonly' });
    listener.outbound.set(speaker.id, new OutboundStream(tx, listener.pc));
  }

  /** The hot path: one packet of `speaker`'s voice, to each listener that selected it. */
  private forward(room: SfuRoom, speaker: SfuPeer, rtp: RtpPacket): void {
    const t0 = performance.now();
    this.packetsIn += 1;
    if (!speaker.forwardable) return;
    const id = speaker.levelExtensionId;
    const level = id === undefined ? undefined : audioLevelOf(rtp.header.extensions, id);
    if (level !== undefined && speaker.meter.push(level, t0)) {
      room.owner.emit({
        event: 'speaking',
        room: room.id,
        peer: speaker.id,
        speaking: speaker.meter.speaking,
      });
    }
    let recorded: (() => void) | undefined;
    for (const listener of speaker.listeners) {
      const sent = listener.connected ? listener.outbound.get(speaker.id)?.send(rtp, level) : undefined;
      if (!sent) continue;
      this.packetsForwarded += 1;
      recorded ??= () => this.delays.record(performance.now() - t0);
      void sent.then(recorded);
    }
    if (recorded) speaker.lastForwardedAtMs = performance.timeOrigin + t0;
  }

  /** Stops forwarding a peer's voice now and clears its `speaking`. */
  private silence(room: SfuRoom, peer: SfuPeer): void {
    for (const listener of peer.listeners) listener.selected.delete(peer.id);
    peer.listeners.clear();
    const wasSpeaking = peer.meter.speaking;
    peer.meter.reset();
    if (wasSpeaking) room.owner.emit({ event: 'speaking', room: room.id, peer: peer.id, speaking: false });
  }

  private removePeer(room: SfuRoom, peer: SfuPeer): void {
    if (peer.closed) return;
    this.silence(room, peer);
    peer.closed = true;
    for (const id of peer.selected) room.peers.get(id)?.listeners.delete(peer);
    peer.selected.clear();
    room.peers.delete(peer.id);
    for (const other of room.peers.values()) {
      const tx = other.outbound.get(peer.id)?.tx;
      if (!tx) continue;
      other.outbound.delete(peer.id);
      tx.stop();
      void this.negotiate(room, other);
    }
    if (room.active === peer.id) this.setActive(room, null);
    void peer.pc.close();
  }

  /** Offers again (a speaker came or went); one offer out at a time per peer. */
  private async negotiate(room: SfuRoom, peer: SfuPeer): Promise<void> {
    if (peer.closed || peer.revision === 0) return;
    if (peer.awaitingAnswer) {
      peer.renegotiate = true;
      return;
    }
    try {
      const offer = await this.offer(peer);
      if (!peer.closed) room.owner.emit({ event: 'offer', room: room.id, peer: peer.id, offer });
    } catch {
      // the connection closed under the offer: its removal already told the room
    }
  }

  private async offer(peer: SfuPeer): Promise<SfuOffer> {
    peer.awaitingAnswer = true;
    const revision = ++peer.revision;
    await peer.pc.setLocalDescription(await peer.pc.createOffer());
    await gathered(peer.pc);
    const tracks: Record<string, string> = {};
    for (const [speaker, { tx }] of peer.outbound) if (tx.mid !== null) tracks[tx.mid] = speaker;
    const publishMid = peer.publishTx?.mid ?? undefined;
    const sdp = onlyCandidatesOf(peer.pc.localDescription!.sdp, this.options.announcedAddress);
    return publishMid === undefined ? { revision, sdp, tracks } : { revision, sdp, publishMid, tracks };
  }

  /** The periodic pass: `speaking`, the active speaker, and each listener's selection. */
  private selectAll(): void {
    const now = performance.now();
    for (const room of this.rooms.values()) {
      for (const peer of room.peers.values()) {
        if (peer.forwardable && peer.meter.tick(now)) {
          room.owner.emit({ event: 'speaking', room: room.id, peer: peer.id, speaking: peer.meter.speaking });
        }
      }
      this.updateActive(room, now);
      const floor = room.floor;
      const speakers = [...room.peers.values()].map((p) => ({
        id: p.id,
        x: p.x,
        y: p.y,
        z: p.z,
        forwardable: p.forwardable,
        active: now - p.meter.lastSpeechAtMs <= SELECT_HOLD_MS,
        loudness: p.meter.loudnessAt(now),
      }));
      for (const listener of room.peers.values()) {
        const next = selectAudible(listener, speakers, floor, this.radiusM, this.cap, this.scratch);
        for (const id of listener.selected) {
          if (next.has(id)) continue;
          listener.selected.delete(id);
          room.peers.get(id)?.listeners.delete(listener);
        }
        for (const id of next) {
          if (listener.selected.has(id)) continue;
          listener.selected.add(id);
          room.peers.get(id)!.listeners.add(listener);
        }
      }
    }
  }

  /** The active speaker: the loudest speaking peer, changed only when another leads clearly. */
  private updateActive(room: SfuRoom, now: number): void {
    let loudest: SfuPeer | undefined;
    for (const p of room.peers.values()) {
      if (!p.forwardable || !p.meter.speaking) continue;
      if (!loudest || p.meter.loudnessAt(now) > loudest.meter.loudnessAt(now)) loudest = p;
    }
    const current = room.active === null ? undefined : room.peers.get(room.active);
    if (!current || !current.forwardable || !current.meter.speaking) {
      room.challenger = null;
      return this.setActive(room, loudest?.id ?? null);
    }
    if (!loudest || loudest === current) {
      room.challenger = null;
      return;
    }
    if (loudest.meter.loudnessAt(now) < ACTIVE_SWITCH_RATIO * current.meter.loudnessAt(now)) {
      room.challenger = null;
      return;
    }
    if (room.challenger !== loudest.id) {
      room.challenger = loudest.id;
      room.challengerSinceMs = now;
    } else if (now - room.challengerSinceMs >= ACTIVE_SWITCH_MS) {
      room.challenger = null;
      this.setActive(room, loudest.id);
    }
  }

  private setActive(room: SfuRoom, peerId: string | null): void {
    if (room.active === peerId) return;
    room.active = peerId;
    room.owner.emit({ event: 'active', room: room.id, peer: peerId });
  }
}
