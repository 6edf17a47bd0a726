import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import { SPATIAL_CLIENT } from '../../shared/protocol/spatialProtocol.ts';
import { MAX_MESSAGE_BYTES } from '../../shared/protocol/limits.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  clientAs,
  createDataspace,
  grantElevation,
  startHarness,
  untilState,
  type Harness,
} from './realtimeHarness.ts';
import { fuzzValue, rng } from '../helpers/fuzz.ts';

const SEED_VALUE = 0x5eed_c4e7;
const MESSAGES = 10_000;
const BATCH = 25;

/** A well-formed message, so the fuzz also drives the room's real paths between the garbage. */
function validMessage(r: () => number): [string, unknown] {
  const at = () => (r() - 0.5) * 20;
  const part = () => [at(), 1 + r(), at(), 0, 0, 0, 1];
  switch (Math.floor(r() * 5)) {
    case 0:
      return ['pose', { h: part(), l: part(), r: part() }];
    case 1:
      return ['chat', { text: `fuzz ${Math.floor(r() * 1e6)}` }];
    case 2:
      return ['mode', { mode: ['desktop', 'mobile', 'vr', 'ar'][Math.floor(r() * 4)] }];
    case 3:
      return ['voiceLeave', {}];
    default:
      return ['placeObject', { kind: 'note', p: [at(), 1, at()], q: [0, 0, 0, 1], s: [1, 1, 1] }];
  }
}

let h: Harness;
let dataspaceId: string;
beforeAll(async () => {
  // limits far above the flood, so every fuzzed message reaches validation (rate limits: spatialRoom.test)
  const unlimited = { perSecond: 1e6, burst: 1e6 };
  h = await startHarness({ poseRate: unlimited, actionRate: unlimited });
  dataspaceId = await createDataspace(h.sql, 'a1');
  await grantElevation(h.sql, 'b1', 'a1', dataspaceId, 'write');
});
afterAll(() => h.stop());

describe('SpatialRoom under fuzz', () => {
  it(`survives ${MESSAGES} seeded random messages while another client carries on`, async () => {
    const join = async (p: 'a1' | 'b1') => {
      const room = await (await clientAs(h, p)).joinOrCreate<SpatialState>('spatial', { dataspaceId });
      await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
      return room;
    };
    const fuzzer: SdkRoom<unknown, SpatialState> = await join('b1');
    const witness = await join('a1');
    const r = rng(SEED_VALUE);
    const types = [...Object.values(SPATIAL_CLIENT), 'nope', '', 'x'.repeat(40)];
    let errors = 0;
    fuzzer.onMessage('error', (e: RealtimeErrorMessage) => {
      if (e.code) errors += 1;
    });
    fuzzer.onMessage('grab', () => {});
    fuzzer.onMessage('saved', () => {});
    witness.onMessage('saved', () => {});
    let fuzzerLeft: number | undefined;
    fuzzer.onLeave((code) => (fuzzerLeft = code));
    let witnessErrors = 0;
    witness.onMessage('error', () => (witnessErrors += 1));
    for (let sent = 0; sent < MESSAGES; sent += BATCH) {
      for (let i = 0; i < BATCH; i += 1) {
        const [type, payload] =
          r() < 0.2 ? validMessage(r) : [types[Math.floor(r() * types.length)]!, fuzzValue(r)];
        // beyond MAX_MESSAGE_BYTES the transport closes the socket by design; fuzz what gets through it
        fuzzer.send(type, (JSON.stringify(payload) ?? '').length > MAX_MESSAGE_BYTES / 2 ? {} : payload);
      }
      // pace by round-trips, not by time: the witness's own pose echo must come back each batch
      const echo = sent + 1;
      witness.send('pose', {
        h: [0, 1.6, 0, 0, 0, 0, 1],
        l: [0, 1, 0, 0, 0, 0, 1],
        r: [0, 1, 0, 0, 0, 0, 1],
        t: echo,
      });
      await untilState(witness, (s) => s.avatars.get(witness.sessionId)?.echo === echo);
    }
    // the fuzzing client is still connected, was told about its bad messages, and the room works
    expect(fuzzerLeft).toBeUndefined();
    expect(fuzzer.connection.isOpen).toBe(true);
    expect(errors).toBeGreaterThan(MESSAGES / 2);
    expect(errors).toBeLessThan(MESSAGES);
    expect(witnessErrors).toBe(0);
    witness.send('pose', { h: [3, 1.7, 3, 0, 0, 0, 1], l: [3, 1, 3, 0, 0, 0, 1], r: [3, 1, 3, 0, 0, 0, 1] });
    await untilState(fuzzer, (s) => Math.abs((s.avatars.get(witness.sessionId)?.coarse?.hx ?? 0) - 3) < 0.01);
    await Promise.all([fuzzer.leave(), witness.leave()]);
  }, 120_000);
});
