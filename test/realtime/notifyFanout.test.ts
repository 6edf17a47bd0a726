import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbEventMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { PresenceState } from '../../shared/schema/PresenceState.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  CAST,
  clientAs,
  createDataspace,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
} from './realtimeHarness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

async function joinSpatial(
  persona: 'a1' | 'b1',
  dataspaceId: string,
): Promise<SdkRoom<unknown, SpatialState>> {
  const room = await (await clientAs(h, persona)).joinOrCreate<SpatialState>('spatial', { dataspaceId });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

describe('LISTEN/NOTIFY fan-out', () => {
  it('brings a new thread message of a dataspace to that dataspace’s room only', async () => {
    const aliceSpace = await createDataspace(h.sql, 'a1');
    const bobSpace = await createDataspace(h.sql, 'b1');
    const alice = await joinSpatial('a1', aliceSpace);
    const bob = await joinSpatial('b1', bobSpace);
    const bobEvents: DbEventMessage[] = [];
    bob.onMessage('db', (e: DbEventMessage) => bobEvents.push(e));
    const event = nextMessage<DbEventMessage>(alice, 'db');
    const [thread] = await h.sql<{ id: string }[]>`
      insert into public.threads (identity_id, dataspace_id, title)
      values (${CAST.a1}, ${aliceSpace}, 'Fil en direct') returning id`;
    const [message] = await h.sql<{ id: string }[]>`
      insert into public.messages (identity_id, thread_id, author_identity_id, body)
      values (${CAST.a1}, ${thread!.id}, ${CAST.a1}, 'Bonjour la salle') returning id`;
    expect(await event).toEqual({
      table: 'messages',
      op: 'INSERT',
      id: message!.id,
      identityId: CAST.a1,
      data: { threadId: thread!.id, dataspaceId: aliceSpace },
    });
    // a later event for bob's own space proves his room was listening all along
    const bobOwn = nextMessage<DbEventMessage>(bob, 'db');
    const [bobThread] = await h.sql<{ id: string }[]>`
      insert into public.threads (identity_id, dataspace_id, title) values (${CAST.b1}, ${bobSpace}, 'Fil') returning id`;
    await h.sql`insert into public.messages (identity_id, thread_id, author_identity_id, body)
                values (${CAST.b1}, ${bobThread!.id}, ${CAST.b1}, 'Salut')`;
    expect((await bobOwn).data).toMatchObject({ threadId: bobThread!.id });
    expect(bobEvents.map((e) => e.id)).not.toContain(message!.id);
    await Promise.all([alice.leave(), bob.leave()]);
  });

  it('pushes notifications and token balance changes to the identity’s presence channel only', async () => {
    const alice = await (
      await clientAs(h, 'a1')
    ).joinOrCreate<PresenceState>('presence', { identityId: CAST.a1 });
    const bob = await (
      await clientAs(h, 'b1')
    ).joinOrCreate<PresenceState>('presence', { identityId: CAST.b1 });
    await untilState(alice, (s) => s.identityId === CAST.a1);
    await untilState(bob, (s) => s.identityId === CAST.b1);
    const unreadBefore = alice.state.unread;
    const bobUnread = bob.state.unread;
    await h.sql`insert into public.notifications (identity_id, user_id, kind, title)
                values (${CAST.a1}, ${CAST.alice}, 'thread.mention', 'Bob vous a mentionnée')`;
    await untilState(alice, (s) => s.unread === unreadBefore + 1);
    expect(alice.state.notifications[0]!.title).toBe('Bob vous a mentionnée');
    const balance = nextMessage<DbEventMessage>(alice, 'db');
    await h.sql`update public.token_accounts set reserved = reserved where identity_id = ${CAST.a1}`;
    expect((await balance).table).toBe('token_accounts');
    expect(bob.state.unread).toBe(bobUnread);
    await Promise.all([alice.leave(), bob.leave()]);
  });

  it('refuses a presence channel to any other identity', async () => {
    const intruder = await clientAs(h, 'b1');
    await expect(intruder.joinOrCreate('presence', { identityId: CAST.a1 })).rejects.toThrow(
      /is not open to this identity/,
    );
  });
});
