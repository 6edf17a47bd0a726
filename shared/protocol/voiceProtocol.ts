import { z } from 'zod';

/**
 * Voice: the spatial room's signalling with its SFU, carried by the room connection itself, so the
 * room's own admission decides who may publish and listen. Units are in the names.
 */

/** A listener hears speakers within this distance of its head (plus the meeting's current speaker). */
export const HEARING_RADIUS_M = 12;
/** At most this many voices are forwarded to one listener: the loudest, the current speaker first. */
export const MAX_AUDIBLE_SPEAKERS = 4;
/** A moderator's mute stops forwarding at the SFU within this time (measured by the tests). */
export const VOICE_MUTE_DEADLINE_MS = 200;
/** Longest SDP the room accepts from a client, in characters (sent in chunks of VOICE_SDP_CHUNK_CHARS). */
export const VOICE_SDP_MAX_CHARS = 96_000;
/** One chunk of an SDP answer: a room message stays well under the transport's frame cap. */
export const VOICE_SDP_CHUNK_CHARS = 12_000;

/** Message types a client sends about its voice session (beside the spatial room's own). */
export const VOICE_CLIENT = {
  /** Join the room's voice: the server answers with an offer (`voice` message, kind `offer`). */
  voiceJoin: 'voiceJoin',
  /** One chunk of the answer to the latest offer; `last` closes it. */
  voiceAnswer: 'voiceAnswer',
  /** A trickled ICE candidate of the client's peer connection. */
  voiceCandidate: 'voiceCandidate',
  /** Leave the room's voice (the room connection stays). */
  voiceLeave: 'voiceLeave',
  /** A moderator mutes (or unmutes) every participant below moderator at once. */
  muteAll: 'muteAll',
} as const;

/** The zod schema of every voice message a client sends, by type. */
export const voiceClientSchemas = {
  voiceJoin: z.strictObject({}),
  voiceAnswer: z.strictObject({
    /** The offer this answers (`voice` offer's `revision`), so a late answer never meets a newer offer. */
    revision: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31),
    chunk: z.string().max(VOICE_SDP_CHUNK_CHARS),
    last: z.boolean(),
  }),
  voiceCandidate: z.strictObject({
    candidate: z.string().max(1024),
    sdpMid: z.string().max(32).nullable(),
    sdpMLineIndex: z.number().int().min(0).max(1024).nullable(),
  }),
  voiceLeave: z.strictObject({}),
  muteAll: z.strictObject({ muted: z.boolean() }),
} as const;

/** A voice message type a client may send. */
export type VoiceClientType = keyof typeof voiceClientSchemas;

/** An ICE server as RTCPeerConnection takes it (TURN credentials are short-lived, per session). */
export interface VoiceIceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** What the server sends a client about its voice session (`SPATIAL_SERVER.voice`). */
export type VoiceServerMessage =
  | {
      kind: 'offer';
      /** Increases with each offer of this session; the answer names it. */
      revision: number;
      sdp: string;
      /** The m-line (mid) the client publishes its microphone on; absent for a listen-only seat. */
      publishMid?: string;
      /** mid → room session id of the speaker whose voice arrives on that m-line. */
      tracks: Record<string, string>;
      iceServers: VoiceIceServer[];
    }
  | {
      kind: 'floor';
      /** Room session ids of the meeting's current speakers: heard room-wide. */
      speakers: string[];
    }
  | {
      kind: 'closed';
      /** Why the voice session ended: left, replaced by a newer join, removed, SFU lost. */
      reason: string;
    };
