import { createHmac } from 'node:crypto';
import type { Presence } from '@colyseus/core';
import type { VoiceIceServer } from '../../shared/protocol/voiceProtocol.ts';
import type { Env } from '../env.ts';
import type { Logger } from '../realtime/logger.ts';
import { SfuClient } from './SfuClient.ts';

/** Presence hash: room id → the control URL of the SFU its voice lives on (cluster-wide). */
export const SFU_OF_ROOM_KEY = 'chenu:voice:sfu-of-room';

/** ICE servers handed to clients: STUN as is, TURN with coturn's time-limited credentials. */
export interface IceConfig {
  stunUrls: readonly string[];
  turnUrls: readonly string[];
  /** coturn `static-auth-secret` (use-auth-secret); required with turnUrls. */
  turnSecret?: string;
  turnTtlSeconds: number;
}

/** How a realtime process reaches its SFUs. */
export interface VoiceOptions {
  sfuUrls: readonly string[];
  secret: string;
  ice: IceConfig;
}

/** No SFU can take the room's voice right now. */
export class VoiceUnavailable extends Error {
  constructor(message = 'voice: no voice server is reachable right now; try again shortly') {
    super(message);
    this.name = 'VoiceUnavailable';
  }
}

/**
 * A realtime process's side of voice: control connections to the SFU processes, the choice of one
 * SFU per room (least rooms first, recorded in presence — Redis with several realtime processes,
 * local otherwise — so every process sees the same spread and a room re-created elsewhere goes
 * back to its SFU while it lives), and the ICE servers a session gets.
 */
export class VoiceService {
  readonly sfus: readonly SfuClient[];

  constructor(
    private readonly options: VoiceOptions,
    log: Logger,
  ) {
    this.sfus = options.sfuUrls.map((url) => new SfuClient(url, options.secret, log));
  }

  /** Connects to every SFU; one that refuses is retried in the background and skipped meanwhile. */
  async start(): Promise<void> {
    await Promise.all(this.sfus.map((s) => s.connect().catch(() => undefined)));
  }

  stop(): void {
    for (const s of this.sfus) s.close();
  }

  /** The SFU of `roomId`: the recorded one while it is reachable, else the least loaded, recorded. */
  async assign(presence: Presence, roomId: string): Promise<SfuClient> {
    const recorded = await presence.hget(SFU_OF_ROOM_KEY, roomId);
    const live = this.sfus.filter((s) => s.alive);
    const kept = live.find((s) => s.url === recorded);
    if (kept) return kept;
    if (live.length === 0) throw new VoiceUnavailable();
    const load = new Map<string, number>(live.map((s) => [s.url, 0]));
    for (const url of Object.values(await presence.hgetall(SFU_OF_ROOM_KEY))) {
      if (load.has(url)) load.set(url, load.get(url)! + 1);
    }
    const chosen = live.reduce((best, s) => (load.get(s.url)! < load.get(best.url)! ? s : best));
    await presence.hset(SFU_OF_ROOM_KEY, roomId, chosen.url);
    return chosen;
  }

  /** Forgets the room's SFU (the room is gone). */
  async release(presence: Presence, roomId: string): Promise<void> {
    await presence.hdel(SFU_OF_ROOM_KEY, roomId);
  }

  /** The ICE servers of one session; a TURN credential is valid for `turnTtlSeconds`, for this identity. */
  iceServers(identityId: string, nowMs = Date.now()): VoiceIceServer[] {
    const { stunUrls, turnUrls, turnSecret, turnTtlSeconds } = this.options.ice;
    const servers: VoiceIceServer[] = [];
    if (stunUrls.length > 0) servers.push({ urls: [...stunUrls] });
    if (turnUrls.length > 0 && turnSecret) {
      servers.push({ urls: [...turnUrls], ...turnCredential(turnSecret, identityId, turnTtlSeconds, nowMs) });
    }
    return servers;
  }
}

/**
 * coturn's REST credential (use-auth-secret): username `<expiry unix seconds>:<user>`, credential
 * base64(HMAC-SHA1(secret, username)). coturn refuses it after the expiry.
 */
export function turnCredential(
  secret: string,
  user: string,
  ttlSeconds: number,
  nowMs: number,
): { username: string; credential: string } {
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/**
 * The voice options of a realtime process from its environment: its SFUs (CHENU_SFU_URLS, or the
 * ones `npm start` spawned) and the ICE servers handed to clients; undefined when there is no SFU.
 */
export function voiceOptionsOf(
  env: Pick<
    Env,
    | 'CHENU_SFU_URLS'
    | 'CHENU_SFU_SECRET'
    | 'CHENU_ICE_STUN_URLS'
    | 'CHENU_ICE_TURN_URLS'
    | 'CHENU_ICE_TURN_SECRET'
    | 'CHENU_ICE_TURN_TTL'
  >,
  sfuUrls: readonly string[] = env.CHENU_SFU_URLS,
  secret: string | undefined = env.CHENU_SFU_SECRET,
): VoiceOptions | undefined {
  if (sfuUrls.length === 0) return undefined;
  if (!secret) throw new Error('voice: CHENU_SFU_SECRET is required with CHENU_SFU_URLS');
  return {
    sfuUrls,
    secret,
    ice: {
      stunUrls: env.CHENU_ICE_STUN_URLS,
      turnUrls: env.CHENU_ICE_TURN_URLS,
      ...(env.CHENU_ICE_TURN_SECRET ? { turnSecret: env.CHENU_ICE_TURN_SECRET } : {}),
      turnTtlSeconds: env.CHENU_ICE_TURN_TTL,
    },
  };
}
