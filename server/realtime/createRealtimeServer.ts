import {
  createEndpoint,
  createRouter,
  LocalPresence,
  matchMaker,
  Server,
  type Presence,
} from '@colyseus/core';
import { APIError, createMiddleware } from '@colyseus/better-call';
import { Encoder } from '@colyseus/schema';
import { monitor } from '@colyseus/monitor';
import { RedisDriver } from '@colyseus/redis-driver';
import { RedisPresence } from '@colyseus/redis-presence';
import { WebSocketTransport } from '@colyseus/ws-transport';
import type { Sql } from 'postgres';
import {
  ACTION_RATE,
  GRAB_LOCK_MS,
  GRAB_MAX_HOLD_MS,
  GRAB_RETAKE_COOLDOWN_MS,
  MAX_MESSAGE_BYTES,
  MAX_ROOM_ANCHORS,
  MAX_ROOM_OBJECTS,
  POSE_RATE,
  RECONNECT_WINDOW_S,
} from '../../shared/protocol/limits.ts';
import { createDataAccess } from '../../supabase/functions/_shared/dataAccess.ts';
import { MeetingRoom } from '../rooms/MeetingRoom.ts';
import { PlaceRoom } from '../rooms/PlaceRoom.ts';
import { PresenceRoom } from '../rooms/PresenceRoom.ts';
import { SpatialRoom } from '../rooms/SpatialRoom.ts';
import { WorkspaceRoom } from '../rooms/WorkspaceRoom.ts';
import { createLogger, type Logger } from './logger.ts';
import { NotifyBridge } from './notifyBridge.ts';
import { setRealtimeDeps, type RealtimeDeps, type RealtimeTimings } from './realtimeContext.ts';
import { createSpatialStore } from './spatialStore.ts';
import { createTokenVerifier } from './verifyToken.ts';
import { VoiceService, type VoiceOptions } from '../voice/VoiceService.ts';

/** Initial encode buffer: a full state of MAX avatars (~120 B each) fits without a resize. */
const ENCODER_BUFFER_BYTES = 128 * 1024;

/** What the realtime server is built from. */
export interface RealtimeOptions {
  sql: Sql;
  jwtSecret: string;
  /** A hosted project's JWKS URL: tokens are then verified against its keys instead of the secret. */
  jwksUrl?: string;
  /**
   * The `iss` user tokens must carry (server/env.ts `jwtIssuer`); default: the JWKS URL's issuer, or
   * not checked with the secret alone.
   */
  issuer?: string;
  /** Redis presence + driver (scale-out) when set; local presence otherwise. */
  redisUrl?: string;
  /** Identity ids allowed to open the Colyseus monitor. */
  adminIdentityIds?: readonly string[];
  timings?: Partial<RealtimeTimings>;
  log?: Logger;
  /** Address other processes reach this one on (scale-out): host:port. */
  publicAddress?: string;
  /** The SFU processes the spatial rooms' voices go to; no voice when absent. */
  voice?: VoiceOptions;
}

/** A running realtime server and how to stop it. */
export interface RealtimeServer {
  server: Server;
  deps: RealtimeDeps;
  presence: 'redis' | 'local';
  listen(port: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds the Colyseus server: rooms, WebSocket transport (message size capped), presence and driver
 * (Redis when `redisUrl` is set), the LISTEN/NOTIFY bridge, `/health` and the monitor behind an
 * admin token check. One per process (Colyseus' matchmaker is process-wide).
 */
export async function createRealtimeServer(options: RealtimeOptions): Promise<RealtimeServer> {
  const log = options.log ?? createLogger({ component: 'realtime' });
  const verify = createTokenVerifier({
    secret: options.jwtSecret,
    jwksUrl: options.jwksUrl,
    issuer: options.issuer,
  });
  const db = createDataAccess(options.sql);
  const bridge = new NotifyBridge(options.sql, log);
  await bridge.start();
  const voice =
    options.voice && options.voice.sfuUrls.length > 0 ? new VoiceService(options.voice, log) : undefined;
  await voice?.start();
  const deps: RealtimeDeps = {
    db,
    store: createSpatialStore(db),
    bridge,
    verify,
    log,
    timings: {
      reconnectSeconds: RECONNECT_WINDOW_S,
      grabLockMs: GRAB_LOCK_MS,
      grabMaxHoldMs: GRAB_MAX_HOLD_MS,
      grabRetakeCooldownMs: GRAB_RETAKE_COOLDOWN_MS,
      roomCaps: { objects: MAX_ROOM_OBJECTS, anchors: MAX_ROOM_ANCHORS },
      writeBehindMs: 250,
      poseRate: POSE_RATE,
      actionRate: ACTION_RATE,
      interest: 'auto',
      ...options.timings,
    },
    ...(voice ? { voice } : {}),
  };
  setRealtimeDeps(deps);
  // full states of rooms with hundreds of avatars exceed the 8 KB default; resizing per patch costs
  Encoder.BUFFER_SIZE = Math.max(Encoder.BUFFER_SIZE, ENCODER_BUFFER_BYTES);

  const admins = new Set(options.adminIdentityIds ?? []);
  const adminOnly = createMiddleware(async (ctx) => {
    const header = ctx.headers?.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : undefined;
    try {
      const claims = await verify(token);
      if (admins.has(claims.identity_id!)) return;
    } catch {
      // fall through to the refusal
    }
    throw new APIError('FORBIDDEN', { message: 'monitor: an admin identity token is required' });
  });
  const redis = options.redisUrl;
  const presence: Presence = redis ? new RedisPresence(redis) : new LocalPresence();
  const server = new Server({
    transport: new WebSocketTransport({ maxPayload: MAX_MESSAGE_BYTES }),
    presence,
    ...(redis ? { driver: new RedisDriver(redis) } : {}),
    ...(options.publicAddress ? { publicAddress: options.publicAddress } : {}),
    gracefullyShutdown: false,
    greet: false,
  });
  server.router = createRouter({
    health: createEndpoint('/health', { method: 'GET' }, async () => {
      const rooms = await matchMaker.query({});
      return {
        status: 'ok',
        processId: matchMaker.processId,
        presence: redis ? 'redis' : 'local',
        rooms: rooms.length,
        localRooms: rooms.filter((r) => r.processId === matchMaker.processId).length,
        voice: voice
          ? { sfus: voice.sfus.length, reachable: voice.sfus.filter((s) => s.alive).length }
          : null,
      };
    }),
    ...monitor({ use: [adminOnly] }),
  });
  server.define('spatial', SpatialRoom).filterBy(['dataspaceId']);
  // a thread or workspace entered as a room: one per place, admitted as its dataspace's room
  server.define('place', PlaceRoom).filterBy(['place']);
  server.define('presence', PresenceRoom).filterBy(['identityId']);
  server.define('workspace', WorkspaceRoom).filterBy(['workspaceId']);
  server.define('meeting', MeetingRoom).filterBy(['meetingId']);

  return {
    server,
    deps,
    presence: redis ? 'redis' : 'local',
    async listen(port) {
      await server.listen(port, '127.0.0.1');
      log('realtime.listening', {
        port,
        processId: matchMaker.processId,
        presence: redis ? 'redis' : 'local',
      });
    },
    async stop() {
      await server.gracefullyShutdown(false);
      voice?.stop();
      await bridge.stop();
      setRealtimeDeps(undefined);
    },
  };
}
