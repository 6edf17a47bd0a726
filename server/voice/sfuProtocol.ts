import { z } from 'zod';
import { VOICE_SDP_MAX_CHARS } from '../../shared/protocol/voiceProtocol.ts';

/**
 * The control protocol between a realtime process (the room, which decides) and an SFU process
 * (which forwards): JSON over one WebSocket per realtime process, authenticated by the shared
 * secret. Requests carry an `id` and get one reply; events flow from the SFU unasked. Peers are
 * named by the room's session ids; the SFU trusts this connection, never a client.
 */

const id = z.string().min(1).max(128);
const position = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);

/** Requests a realtime process sends, by `op`. */
export const sfuRequest = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('join'),
    id: z.number().int(),
    room: id,
    peer: id,
    publish: z.boolean(),
    muted: z.boolean(),
    position,
  }),
  z.strictObject({
    op: z.literal('answer'),
    id: z.number().int(),
    room: id,
    peer: id,
    revision: z.number().int().min(1),
    sdp: z.string().max(VOICE_SDP_MAX_CHARS),
  }),
  z.strictObject({
    op: z.literal('candidate'),
    id: z.number().int(),
    room: id,
    peer: id,
    candidate: z.string().max(1024),
    sdpMid: z.string().max(32).nullable(),
    sdpMLineIndex: z.number().int().min(0).nullable(),
  }),
  z.strictObject({ op: z.literal('leave'), id: z.number().int(), room: id, peer: id }),
  z.strictObject({
    op: z.literal('policy'),
    id: z.number().int(),
    room: id,
    peer: id,
    publish: z.boolean(),
    muted: z.boolean(),
  }),
  z.strictObject({
    op: z.literal('positions'),
    id: z.number().int(),
    room: id,
    positions: z
      .array(z.tuple([id, z.number().finite(), z.number().finite(), z.number().finite()]))
      .max(1000),
  }),
  z.strictObject({ op: z.literal('floor'), id: z.number().int(), room: id, peers: z.array(id).max(64) }),
  z.strictObject({ op: z.literal('closeRoom'), id: z.number().int(), room: id }),
  z.strictObject({
    op: z.literal('stats'),
    id: z.number().int(),
    reset: z.boolean(),
    room: id.optional(),
    peer: id.optional(),
  }),
]);
/** A request to the SFU. */
export type SfuRequest = z.infer<typeof sfuRequest>;
/** A request without its id (what callers build). */
export type SfuCall = SfuRequest extends infer R ? (R extends SfuRequest ? Omit<R, 'id'> : never) : never;

/** An SDP offer for one peer, with what each m-line carries. */
export interface SfuOffer {
  revision: number;
  sdp: string;
  publishMid?: string;
  /** mid → speaking peer. */
  tracks: Record<string, string>;
}

/** What the SFU measured since the last reset (`stats`). */
export interface SfuStats {
  rooms: number;
  /** Peers on this SFU, or in the room the request named. */
  peers: number;
  packetsIn: number;
  packetsForwarded: number;
  /** Milliseconds of CPU (user + system) this process spent. */
  cpuMs: number;
  wallMs: number;
  /** Forwarding delay (receive → handed to the socket), percentiles in ms. */
  delayP50Ms: number;
  delayP99Ms: number;
  /** Event-loop delay p99 (ms), from Node's monitor. */
  loopP99Ms: number;
  /** With `room` and `peer`: when that peer's voice was last forwarded (epoch ms; 0 never). */
  lastForwardedAtMs?: number;
}

/** A reply to request `id`. */
export type SfuReply =
  { id: number; ok: true; offer?: SfuOffer; stats?: SfuStats } | { id: number; ok: false; error: string };

/** What the SFU tells a realtime process unasked. */
export type SfuEvent =
  | { event: 'offer'; room: string; peer: string; offer: SfuOffer }
  | { event: 'speaking'; room: string; peer: string; speaking: boolean }
  | { event: 'active'; room: string; peer: string | null }
  | { event: 'peerState'; room: string; peer: string; state: 'connected' | 'failed' | 'closed' };
