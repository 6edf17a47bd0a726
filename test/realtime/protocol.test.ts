import { describe, expect, it } from 'vitest';
import {
  SPATIAL_CLIENT,
  spatialClientSchemas,
  spatialMessage,
  type SpatialClientMessage,
} from '../../shared/protocol/spatialProtocol.ts';

describe('spatial protocol', () => {
  it('types messages against the protocol table (wrong names and shapes do not compile)', () => {
    const ok = spatialMessage('chat', { text: 'bonjour' });
    expect(ok[0]).toBe(SPATIAL_CLIENT.chat);
    // @ts-expect-error: not a message type of the table
    spatialMessage('teleport', { text: 'x' });
    // @ts-expect-error: a grab names an object, not a text
    spatialMessage('grab', { text: 'x' });
    // @ts-expect-error: a pose needs head and both hands
    const partial: SpatialClientMessage<'pose'> = { h: [0, 0, 0, 0, 0, 0, 1] };
    expect(partial).toBeDefined();
  });

  it('has a schema for every message type, and caps sizes', () => {
    expect(Object.keys(spatialClientSchemas).sort()).toEqual(Object.values(SPATIAL_CLIENT).sort());
    expect(spatialClientSchemas.chat.safeParse({ text: 'x'.repeat(501) }).success).toBe(false);
    expect(spatialClientSchemas.pose.safeParse({ h: [0, 0, 0, 0, 0, 0, 1], l: [], r: [] }).success).toBe(
      false,
    );
    expect(
      spatialClientSchemas.pose.safeParse({
        h: [65, 0, 0, 0, 0, 0, 1],
        l: [0, 0, 0, 0, 0, 0, 1],
        r: [0, 0, 0, 0, 0, 0, 1],
      }).success,
    ).toBe(false);
    expect(
      spatialClientSchemas.placeObject.safeParse({
        kind: 'note',
        p: [0, 0, 0],
        q: [0, 0, 0, 1],
        s: [1, 1, 1],
        extra: 1,
      }).success,
    ).toBe(false);
  });
});
