/**
 * Voice test rig: SFU child processes (the real server/voice/sfuProcess.ts) and a realtime harness
 * whose spatial rooms use them, plus helpers to seat personas and wait on voice traffic.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import { spawnSfu, type SfuProcess } from '../../server/voice/spawnSfu.ts';
import type { VoiceOptions } from '../../server/voice/VoiceService.ts';
import {
  clientAs,
  startHarness,
  untilState,
  type Harness,
  type Persona,
} from '../realtime/realtimeHarness.ts';

export const SFU_SECRET = 'test-sfu-secret-0123456789abcdef0123456789';

/** SFU processes plus a realtime harness wired to them. */
export interface VoiceRig {
  h: Harness;
  sfus: SfuProcess[];
  voice: VoiceOptions;
  stop(): Promise<void>;
}

export async function startVoiceRig(sfuCount = 1, ice: Partial<VoiceOptions['ice']> = {}): Promise<VoiceRig> {
  const sfus = await Promise.all(Array.from({ length: sfuCount }, () => spawnSfu({ secret: SFU_SECRET })));
  const voice: VoiceOptions = {
    sfuUrls: sfus.map((s) => s.url),
    secret: SFU_SECRET,
    ice: { stunUrls: [], turnUrls: [], turnTtlSeconds: 3600, ...ice },
  };
  const h = await startHarness({}, () => {}, { voice });
  return {
    h,
    sfus,
    voice,
    async stop() {
      await h.stop();
      await Promise.all(sfus.map((s) => s.stop()));
    },
  };
}

/** A head pose at (x, 1.6, z), hands beside it. */
export function poseAt(x: number, z = 0) {
  return {
    h: [x, 1.6, z, 0, 0, 0, 1],
    l: [x - 0.2, 1, z + 0.2, 0, 0, 0, 1],
    r: [x + 0.2, 1, z + 0.2, 0, 0, 0, 1],
  };
}

/** Seats `persona` in the dataspace's spatial room, standing at x. */
export async function seat(
  h: Harness,
  persona: Persona,
  dataspaceId: string,
  x = 0,
): Promise<SdkRoom<unknown, SpatialState>> {
  const room = await (await clientAs(h, persona)).joinOrCreate<SpatialState>('spatial', { dataspaceId });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  room.send('pose', poseAt(x));
  await untilState(room, (s) => Math.abs((s.avatars.get(room.sessionId)?.hx ?? NaN) - x) < 0.01);
  return room;
}

/** Resolves once `predicate` holds, polled every 20 ms, or rejects after `timeoutMs` naming `what`. */
export function until(predicate: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/** `until` for a predicate that must ask something asynchronously (an SFU's stats, Redis). */
export async function untilAsync(
  predicate: () => Promise<boolean>,
  what: string,
  timeoutMs = 8_000,
): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
