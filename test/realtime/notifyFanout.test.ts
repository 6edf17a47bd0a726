import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbEventMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { PresenceState } from '../../shared/schema/PresenceState.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import { reloadFor } from '../../client/room/dbEvents.ts';
import {
  addMember,
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
  persona: 'a1' | 'b1' | 'b2',
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

  it('tells Alice and Bob in her dataspace’s room that her run is held for review, and no other room', async () => {
    const aliceSpace = await createDataspace(h.sql, 'a1');
    const otherSpace = await createDataspace(h.sql, 'b2');
    await addMember(h.sql, 'b1', aliceSpace, 'participant');
    const alice = await joinSpatial('a1', aliceSpace);
    const bob = await joinSpatial('b1', aliceSpace);
    const outsider = await joinSpatial('b2', otherSpace);
    const outsiderEvents: DbEventMessage[] = [];
    outsider.onMessage('db', (e: DbEventMessage) => outsiderEvents.push(e));
    const [thread] = await h.sql<{ id: string }[]>`
      insert into public.threads (identity_id, dataspace_id, title)
      values (${CAST.a1}, ${aliceSpace}, 'Soumission') returning id`;
    const [run] = await h.sql<{ id: string }[]>`
      insert into public.agent_executions (identity_id, user_id, agent_id, thread_id, dataspace_id, status, intent_text, task_type)
      values (${CAST.a1}, ${CAST.alice}, 'c0000000-0000-4000-8000-022000000001', ${thread!.id}, ${aliceSpace}, 'matched',
              'estimer les balcons', 'estimate')
      returning id`;
    const forAlice = nextMessage<DbEventMessage>(alice, 'db');
    const forBob = nextMessage<DbEventMessage>(bob, 'db');
    await h.sql`update public.agent_executions set status = 'awaiting_review' where id = ${run!.id}`;
    for (const event of await Promise.all([forAlice, forBob])) {
      expect(event).toEqual({
        table: 'agent_executions',
        op: 'UPDATE',
        id: run!.id,
        identityId: null,
        data: { threadId: thread!.id, dataspaceId: aliceSpace },
      });
      // what each client then does: read the thread, and with it its runs, again
      expect(reloadFor(event)).toEqual({ threadId: thread!.id, spatial: false });
    }
    // a later event of the outsider's own room proves it was listening all along
    const outsiderOwn = nextMessage<DbEventMessage>(outsider, 'db');
    const [otherThread] = await h.sql<{ id: string }[]>`
      insert into public.threads (identity_id, dataspace_id, title) values (${CAST.b2}, ${otherSpace}, 'Fil') returning id`;
    await h.sql`insert into public.messages (identity_id, thread_id, author_identity_id, body)
                values (${CAST.b2}, ${otherThread!.id}, ${CAST.b2}, 'Salut')`;
    expect((await outsiderOwn).table).toBe('messages');
    expect(outsiderEvents.map((e) => e.table)).toEqual(['messages']);
    await Promise.all([alice.leave(), bob.leave(), outsider.leave()]);
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
