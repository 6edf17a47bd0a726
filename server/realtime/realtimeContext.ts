import type { DataAccess } from '../../supabase/functions/_shared/dataAccess.ts';
import type { NotifyBridge } from './notifyBridge.ts';
import type { SpatialStore } from './spatialStore.ts';
import type { Logger } from './logger.ts';
import type { RoomTokenClaims } from './verifyToken.ts';
import type { InterestMode } from './CellInterest.ts';
import type { VoiceService } from '../voice/VoiceService.ts';

/** Timings a deployment (or a test) may shorten; production uses the protocol's constants. */
export interface RealtimeTimings {
  reconnectSeconds: number;
  grabLockMs: number;
  /** Longest hold of a grab lock, renewals included (GRAB_MAX_HOLD_MS). */
  grabMaxHoldMs: number;
  /** How long the holder of a lock taken back may not grab that object again (GRAB_RETAKE_COOLDOWN_MS). */
  grabRetakeCooldownMs: number;
  /** Objects and anchors a spatial room holds at most (MAX_ROOM_OBJECTS, MAX_ROOM_ANCHORS). */
  roomCaps: { objects: number; anchors: number };
  writeBehindMs: number;
  /** Per-client token buckets: pose-like streams and every other message. */
  poseRate: { perSecond: number; burst: number };
  actionRate: { perSecond: number; burst: number };
  /** How a SpatialRoom makes its clients' views (CellInterest): 'auto' chooses by occupancy; a test may pin one. */
  interest: InterestMode | 'auto';
}

/** What rooms need from the process: database, LISTEN/NOTIFY bridge, token check, logs. */
export interface RealtimeDeps {
  db: DataAccess;
  store: SpatialStore;
  bridge: NotifyBridge;
  verify: (token: string | undefined) => Promise<RoomTokenClaims>;
  log: Logger;
  timings: RealtimeTimings;
  /** The SFUs of this process's rooms; absent when voice is not configured. */
  voice?: VoiceService;
}

let current: RealtimeDeps | undefined;

/**
 * Colyseus keeps one matchmaker per process and calls a room's static `onAuth` unbound, so the
 * process's dependencies are registered here once by `createRealtimeServer`.
 */
export function setRealtimeDeps(deps: RealtimeDeps | undefined): void {
  current = deps;
}

/** The process's realtime dependencies; throws when the server was not created through the bootstrap. */
export function realtimeDeps(): RealtimeDeps {
  if (!current) throw new Error('realtime: rooms need createRealtimeServer() to run first');
  return current;
}
