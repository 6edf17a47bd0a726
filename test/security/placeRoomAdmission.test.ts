/**
 * Door: the place room (a thread or a workspace entered as a room, issue 16). It admits exactly as
 * its dataspace's room does. Bob, who has no membership or grant in Alice's dataspace, tries each
 * path into the rooms of Alice's thread and workspace: joinOrCreate/join/create naming them,
 * joinById on their room ids with options naming his OWN dataspace and thread (the confused deputy),
 * and a place of Alice's named under his own dataspace. A place of another dataspace never opens a
 * room; the dataspace room refuses a `place` option instead of seating it in the hall.
 */
import type { Client, Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import { spatialRoomId } from '../../server/rooms/SpatialRoom.ts';
import {
  CAST,
  clientAs,
  createDataspace,
  createWorkspace,
  startHarness,
  untilState,
  type Harness,
} from '../realtime/realtimeHarness.ts';

let h: Harness;
let aliceDs: string;
let bobDs: string;
let aliceThread: string;
let bobThread: string;
let aliceWorkspace: string;
const aliceRooms: SdkRoom<unknown, SpatialState>[] = [];

async function thread(owner: 'a1' | 'b1', dataspaceId: string): Promise<string> {
  const [t] = await h.sql<{ id: string }[]>`
    insert into public.threads (identity_id, dataspace_id, title)
    values (${CAST[owner]}, ${dataspaceId}, 'Fil privé') returning id`;
  return t!.id;
}

/** The refusal message of a join attempt, or 'joined' (the attempt's room is then left). */
async function refusal(attempt: Promise<SdkRoom>): Promise<string> {
  try {
    const room = await attempt;
    await room.leave();
    return 'joined';
  } catch (error) {
    return (error as Error).message;
  }
}

beforeAll(async () => {
  h = await startHarness();
  aliceDs = await createDataspace(h.sql, 'a1', 'Salon d’Alice');
  bobDs = await createDataspace(h.sql, 'b1', 'Atelier de Bob');
  aliceThread = await thread('a1', aliceDs);
  bobThread = await thread('b1', bobDs);
  aliceWorkspace = await createWorkspace(h.sql, 'a1', aliceDs);
});
afterAll(async () => {
  await Promise.all(aliceRooms.map((r) => r.leave()));
  await h.stop();
});

describe('place room: a stranger at every door', () => {
  let stranger: Client;
  beforeAll(async () => {
    stranger = await clientAs(h, 'b1');
  });

  it('refuses to open a room on a thread of another dataspace, even for its own owner', async () => {
    const alice = await clientAs(h, 'a1');
    expect(
      await refusal(alice.joinOrCreate('place', { dataspaceId: aliceDs, place: `thread:${bobThread}` })),
    ).toMatch(/is not open to this identity|no such thread in this dataspace/);
    // Bob names Alice's thread under his own dataspace: admitted to his dataspace, but the place is not in it
    expect(
      await refusal(stranger.joinOrCreate('place', { dataspaceId: bobDs, place: `thread:${aliceThread}` })),
    ).toMatch(/no such thread in this dataspace/);
    expect(
      await refusal(stranger.create('place', { dataspaceId: bobDs, place: `workspace:${aliceWorkspace}` })),
    ).toMatch(/no such workspace in this dataspace/);
  });

  it("refuses joinOrCreate, join and create naming Alice's thread or workspace", async () => {
    const alice = await clientAs(h, 'a1');
    for (const place of [`thread:${aliceThread}`, `workspace:${aliceWorkspace}`]) {
      const room = await alice.joinOrCreate<SpatialState>('place', { dataspaceId: aliceDs, place });
      await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
      aliceRooms.push(room);
      for (const path of ['joinOrCreate', 'join', 'create'] as const) {
        expect(
          await refusal(stranger[path]('place', { dataspaceId: aliceDs, place })),
          `${path} ${place}`,
        ).toMatch(/is not open to this identity/);
      }
    }
  });

  it("refuses joinById on Alice's place rooms when the options name Bob's own dataspace and thread", async () => {
    const ids = [
      spatialRoomId(aliceDs, { kind: 'thread', id: aliceThread }),
      spatialRoomId(aliceDs, { kind: 'workspace', id: aliceWorkspace }),
    ];
    for (const roomId of ids) {
      expect(
        await refusal(stranger.joinById(roomId, { dataspaceId: bobDs, place: `thread:${bobThread}` })),
      ).toMatch(new RegExp(`dataspace ${aliceDs} is not open to this identity`));
    }
    // Bob's place named while Alice's room of the same place kind exists: he lands in his own room only
    const own = await stranger.joinOrCreate<SpatialState>('place', {
      dataspaceId: bobDs,
      place: `thread:${bobThread}`,
    });
    await untilState(own, (s) => s.avatars?.has(own.sessionId) === true);
    expect(own.state.place).toBe(`thread:${bobThread}`);
    await own.leave();
    for (const room of aliceRooms) expect(room.state.avatars.size).toBe(1);
  });

  it('refuses malformed places and a place named to the dataspace room', async () => {
    for (const place of ['thread:not-a-uuid', `meeting:${aliceThread}`, `thread:${aliceThread}:x`, '']) {
      expect(await refusal(stranger.joinOrCreate('place', { dataspaceId: bobDs, place })), place).toMatch(
        /invalid join options/,
      );
    }
    expect(
      await refusal(stranger.joinOrCreate('spatial', { dataspaceId: bobDs, place: `thread:${bobThread}` })),
    ).toMatch(/joined as the `place` room/);
  });
});
