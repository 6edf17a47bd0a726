import type { RealtimeErrorMessage, RoomRole } from '../../shared/protocol/spatialProtocol.ts';
import type { VoiceServerMessage } from '../../shared/protocol/voiceProtocol.ts';

/**
 * The voice's signalling, carried by the room connection (client/net/voiceSignal.ts implements it
 * on a live SpatialRoom). The room decides who may publish; the client only asks.
 */
export interface VoiceSignal {
  /** This client's room session id (the voice peer the room names it by). */
  readonly selfId: string;
  join(): void;
  /** The answer to offer `revision` (sent in chunks the room reassembles). */
  answer(revision: number, sdp: string): void;
  candidate(candidate: RTCIceCandidateInit): void;
  leave(): void;
  onMessage(cb: (message: VoiceServerMessage) => void): () => void;
  /** The room refused a voice message (voice unavailable, stale answer…). */
  onRefusal(cb: (error: RealtimeErrorMessage) => void): () => void;
  /** Fires when the room connection is back after a drop (the room ended the voice meanwhile). */
  onReconnect(cb: () => void): () => void;
  /** This participant as the room state has it: a moderator's mute, the seat's role. */
  self(): VoiceSelf;
  onSelf(cb: (self: VoiceSelf) => void): () => void;
  /** A moderator's "mute everyone" (refused by the room for other roles). */
  muteAll(muted: boolean): void;
  /** A moderator's mute of one participant, every device of that person (refused for other roles). */
  mute(sessionId: string, muted: boolean): void;
  /** The other seats of the room as its state has them (for a moderator's list). */
  participants(): readonly VoiceParticipant[];
  onParticipants(cb: (participants: readonly VoiceParticipant[]) => void): () => void;
}

/** Another seat of the room: who, and what the server says of its voice. */
export interface VoiceParticipant {
  readonly sessionId: string;
  readonly identityId: string;
  readonly displayName: string;
  readonly role: RoomRole;
  /** Muted by a moderator. */
  readonly muted: boolean;
  /** Set by the server from the voice's audio level. */
  readonly speaking: boolean;
}

/** The own avatar's voice-relevant fields. */
export interface VoiceSelf {
  readonly muted: boolean;
  readonly role: RoomRole;
}
