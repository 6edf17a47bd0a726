import type { Room } from '@colyseus/core';
import { canSpeak } from '../../shared/protocol/roomRules.ts';
import {
  REALTIME_ERRORS,
  type RealtimeErrorCode,
  type RoomRole,
} from '../../shared/protocol/spatialProtocol.ts';
import type { voiceClientSchemas } from '../../shared/protocol/voiceProtocol.ts';
import {
  VOICE_SDP_MAX_CHARS,
  type VoiceClientType,
  type VoiceServerMessage,
} from '../../shared/protocol/voiceProtocol.ts';
import type { z } from 'zod';
import type { Logger } from '../realtime/logger.ts';
import type { SfuClient } from './SfuClient.ts';
import type { SfuEvent } from './sfuProtocol.ts';
import { floorHolders, floorKey, setActiveSpeaker } from './voiceFloor.ts';
import { VoiceUnavailable, type VoiceService } from './VoiceService.ts';

type Msg<K extends VoiceClientType> = z.output<(typeof voiceClientSchemas)[K]>;

/** What the room knows of a seated session, asked at every decision (never cached here). */
export interface VoiceSeat {
  identityId: string;
  /** The role the seat carries (RoomSeats, refined by the room's moderation). */
  role: RoomRole;
  /** Muted by a moderator. */
  muted: boolean;
  /** Head position (m). */
  position: readonly [number, number, number];
}

/** How the room plugs its voice in. */
export interface RoomVoiceHooks {
  /** The session's seat, or undefined when it is not seated (any more). */
  seat(sessionId: string): VoiceSeat | undefined;
  /** The server's `speaking` of a session (from its audio level), clients cannot set it. */
  setSpeaking(sessionId: string, speaking: boolean): void;
  send(sessionId: string, message: VoiceServerMessage): void;
  refuse(sessionId: string, code: RealtimeErrorCode, message: string, type: string): void;
  log: Logger;
}

interface VoiceSession {
  identityId: string;
  /** The offer the client must answer next. */
  revision: number;
  /** Answer chunks received so far for `revision`. */
  answer: string;
  /** Bumped by every join of the session: a slower earlier join never overwrites a later one. */
  epoch: number;
}

/**
 * A spatial room's voice: signalling between its clients and the room's SFU over the room's own
 * connection, with the room's admission (only seated sessions; a role that may not speak listens
 * only), a moderator's mute and the seat's role pushed to the SFU at once, head positions a few
 * times a second, the meeting floor (presence) and the server-side `speaking` coming back.
 */
export class RoomVoice {
  private sfu: SfuClient | undefined;
  private assigning: Promise<SfuClient> | undefined;
  private readonly sessions = new Map<string, VoiceSession>();
  private floor = new Map<string, string>();
  private active = '';
  /** The floor last told to the clients (session ids, space-separated). */
  private floorSent = '';
  private offSfu: (() => void)[] = [];
  private readonly onFloor = (change: { meetingId: string; identityId: string }) => {
    if (change.identityId) this.floor.set(change.meetingId, change.identityId);
    else this.floor.delete(change.meetingId);
    this.pushFloor();
  };

  constructor(
    private readonly room: Room,
    private readonly service: VoiceService | undefined,
    private readonly dataspaceId: string,
    private readonly hooks: RoomVoiceHooks,
  ) {}

  /** Listens to the dataspace's meeting floor. */
  async start(): Promise<void> {
    if (!this.service) return;
    await this.room.presence.subscribe(floorKey(this.dataspaceId), this.onFloor);
    this.floor = await floorHolders(this.room.presence, this.dataspaceId);
  }

  /** A voice message from a seated session (the room already validated and rate-limited it). */
  async handle(sessionId: string, type: VoiceClientType, msg: unknown): Promise<void> {
    switch (type) {
      case 'voiceJoin':
        return this.join(sessionId);
      case 'voiceAnswer':
        return this.answer(sessionId, msg as Msg<'voiceAnswer'>);
      case 'voiceCandidate':
        return this.candidate(sessionId, msg as Msg<'voiceCandidate'>);
      case 'voiceLeave':
        return this.leave(sessionId, 'you left the voice');
      case 'muteAll':
        // the room handles moderation itself; nothing reaches here
        return;
    }
  }

  /** Ends a session's voice (left, dropped, kicked, evicted): its forwarding stops at once. */
  leave(sessionId: string, reason: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    this.hooks.setSpeaking(sessionId, false);
    void this.sfu?.call({ op: 'leave', room: this.room.roomId, peer: sessionId }).catch(() => undefined);
    this.hooks.send(sessionId, { kind: 'closed', reason });
    this.pushFloor();
  }

  /**
   * The seat's role or a moderator's mute changed: the SFU applies it before answering, so a mute
   * has stopped the forwarding when this resolves.
   */
  async policy(sessionId: string): Promise<void> {
    const seat = this.hooks.seat(sessionId);
    if (!this.sessions.has(sessionId) || !seat || !this.sfu) return;
    await this.sfu
      .call({
        op: 'policy',
        room: this.room.roomId,
        peer: sessionId,
        publish: canSpeak(seat.role),
        muted: seat.muted,
      })
      .catch((error: Error) =>
        this.hooks.log('voice.policy_failed', { roomId: this.room.roomId, error: error.message }),
      );
  }

  /** Head positions of the voice sessions (call a few times a second). */
  pushPositions(): void {
    if (!this.sfu || this.sessions.size === 0) return;
    const positions: [string, number, number, number][] = [];
    for (const sessionId of this.sessions.keys()) {
      const seat = this.hooks.seat(sessionId);
      if (seat) positions.push([sessionId, ...seat.position]);
    }
    void this.sfu.call({ op: 'positions', room: this.room.roomId, positions }).catch(() => undefined);
  }

  /** Ends every session and gives the room's SFU back (call from onDispose). */
  async dispose(): Promise<void> {
    if (!this.service) return;
    this.room.presence.unsubscribe(floorKey(this.dataspaceId), this.onFloor);
    for (const off of this.offSfu) off();
    if (this.active) await setActiveSpeaker(this.room.presence, this.dataspaceId, '').catch(() => undefined);
    if (this.sfu) {
      await this.sfu.call({ op: 'closeRoom', room: this.room.roomId }).catch(() => undefined);
      await this.service.release(this.room.presence, this.room.roomId).catch(() => undefined);
    }
    this.sessions.clear();
  }

  private async join(sessionId: string): Promise<void> {
    const seat = this.hooks.seat(sessionId);
    if (!seat) return;
    if (!this.service) {
      return this.hooks.refuse(
        sessionId,
        REALTIME_ERRORS.voiceUnavailable,
        'voice is not set up on this server',
        'voiceJoin',
      );
    }
    const epoch = (this.sessions.get(sessionId)?.epoch ?? 0) + 1;
    const session: VoiceSession = { identityId: seat.identityId, revision: 0, answer: '', epoch };
    this.sessions.set(sessionId, session);
    try {
      const sfu = await this.sfuOfRoom();
      const { offer } = await sfu.call({
        op: 'join',
        room: this.room.roomId,
        peer: sessionId,
        publish: canSpeak(seat.role),
        muted: seat.muted,
        position: [...seat.position],
      });
      // left, or joined again, while the SFU worked: the later call decides
      if (this.sessions.get(sessionId) !== session) return;
      if (!this.hooks.seat(sessionId)) return this.leave(sessionId, 'you left the room');
      session.revision = offer!.revision;
      this.hooks.send(sessionId, {
        kind: 'offer',
        ...offer!,
        iceServers: this.service.iceServers(seat.identityId),
      });
      // the newcomer learns the floor too
      this.floorSent = '';
      this.pushFloor();
      // the role or a mute may have changed during the call: apply what holds now
      await this.policy(sessionId);
    } catch (error) {
      if (this.sessions.get(sessionId) === session) this.sessions.delete(sessionId);
      const message = error instanceof VoiceUnavailable ? error.message : (error as Error).message;
      this.hooks.refuse(sessionId, REALTIME_ERRORS.voiceUnavailable, message, 'voiceJoin');
    }
  }

  private async answer(sessionId: string, msg: Msg<'voiceAnswer'>): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session || !this.sfu) {
      return this.hooks.refuse(sessionId, REALTIME_ERRORS.notFound, 'join the voice first', 'voiceAnswer');
    }
    if (msg.revision !== session.revision) {
      session.answer = '';
      return this.hooks.refuse(
        sessionId,
        REALTIME_ERRORS.invalidMessage,
        `this answer is for offer ${msg.revision}; answer offer ${session.revision}`,
        'voiceAnswer',
      );
    }
    if (session.answer.length + msg.chunk.length > VOICE_SDP_MAX_CHARS) {
      session.answer = '';
      return this.hooks.refuse(
        sessionId,
        REALTIME_ERRORS.invalidMessage,
        'the answer is too long',
        'voiceAnswer',
      );
    }
    session.answer += msg.chunk;
    if (!msg.last) return;
    const sdp = session.answer;
    session.answer = '';
    try {
      await this.sfu.call({
        op: 'answer',
        room: this.room.roomId,
        peer: sessionId,
        revision: msg.revision,
        sdp,
      });
    } catch (error) {
      this.hooks.refuse(sessionId, REALTIME_ERRORS.invalidMessage, (error as Error).message, 'voiceAnswer');
    }
  }

  private async candidate(sessionId: string, msg: Msg<'voiceCandidate'>): Promise<void> {
    if (!this.sessions.has(sessionId) || !this.sfu) {
      return this.hooks.refuse(sessionId, REALTIME_ERRORS.notFound, 'join the voice first', 'voiceCandidate');
    }
    try {
      await this.sfu.call({ op: 'candidate', room: this.room.roomId, peer: sessionId, ...msg });
    } catch (error) {
      this.hooks.refuse(
        sessionId,
        REALTIME_ERRORS.invalidMessage,
        (error as Error).message,
        'voiceCandidate',
      );
    }
  }

  /** The room's SFU, chosen once (presence records it) and re-chosen after it was lost. */
  private sfuOfRoom(): Promise<SfuClient> {
    if (this.sfu?.alive) return Promise.resolve(this.sfu);
    this.assigning ??= this.service!.assign(this.room.presence, this.room.roomId)
      .then((sfu) => {
        for (const off of this.offSfu) off();
        this.sfu = sfu;
        this.offSfu = [
          sfu.onRoom(this.room.roomId, (event) => this.onEvent(event)),
          sfu.onLost(() => this.lost()),
        ];
        return sfu;
      })
      .finally(() => {
        this.assigning = undefined;
      });
    return this.assigning;
  }

  private onEvent(event: SfuEvent): void {
    switch (event.event) {
      case 'offer': {
        const session = this.sessions.get(event.peer);
        if (!session) return;
        session.revision = event.offer.revision;
        session.answer = '';
        this.hooks.send(event.peer, {
          kind: 'offer',
          ...event.offer,
          iceServers: this.service!.iceServers(session.identityId),
        });
        return;
      }
      case 'speaking':
        if (this.sessions.has(event.peer)) this.hooks.setSpeaking(event.peer, event.speaking);
        return;
      case 'active': {
        const identity = event.peer ? (this.sessions.get(event.peer)?.identityId ?? '') : '';
        if (identity === this.active) return;
        this.active = identity;
        void setActiveSpeaker(this.room.presence, this.dataspaceId, identity).catch(() => undefined);
        return;
      }
      case 'peerState':
        if (event.state === 'failed' && this.sessions.has(event.peer)) {
          this.sessions.delete(event.peer);
          this.hooks.setSpeaking(event.peer, false);
          this.hooks.send(event.peer, { kind: 'closed', reason: 'the voice connection failed; join again' });
        }
        return;
    }
  }

  /** The SFU's control connection dropped: it ended every session, so tell their clients. */
  private lost(): void {
    this.sfu = undefined;
    for (const sessionId of [...this.sessions.keys()]) {
      this.sessions.delete(sessionId);
      this.hooks.setSpeaking(sessionId, false);
      this.hooks.send(sessionId, { kind: 'closed', reason: 'the voice server was lost; join again' });
    }
  }

  /** The floor holders among this room's voice sessions, to the SFU and to the clients (heard room-wide). */
  private pushFloor(): void {
    if (!this.sfu) return;
    const holders = new Set(this.floor.values());
    const peers = [...this.sessions].filter(([, s]) => holders.has(s.identityId)).map(([id]) => id);
    void this.sfu.call({ op: 'floor', room: this.room.roomId, peers }).catch(() => undefined);
    const key = peers.join(' ');
    if (key === this.floorSent) return;
    this.floorSent = key;
    for (const sessionId of this.sessions.keys())
      this.hooks.send(sessionId, { kind: 'floor', speakers: peers });
  }
}
