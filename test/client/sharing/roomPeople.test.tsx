/**
 * The room side of shared spaces (issue 14) through the client's stores, against the real gateway,
 * Deno functions and Colyseus rooms, between different users: who is here with their role and why
 * (people store), the chat and how roles gate it (the client does not offer what the room refuses,
 * and the room's refusal has its own sentence), presence modes, eviction on removal; a meeting
 * scheduled with an invitee who is no member, whose seat is theirs to take, a note that becomes
 * a task assigned to them (in their bureau), and the seat ending with the meeting.
 */
import '../session/installDom.ts';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { createChenuApi, type ChenuApi } from '../../../client/api/chenuApi.ts';
import { initI18n } from '../../../client/i18n/i18n.ts';
import { errorText } from '../../../client/i18n/uiError.ts';
import { joinMeeting } from '../../../client/meetings/meetingFeed.ts';
import {
  checkedInvitees,
  createMeetingsStore,
  type MeetingsStore,
} from '../../../client/meetings/meetingStore.ts';
import { joinSpatialRoom, type ColyseusRoomFeed } from '../../../client/net/colyseusRoomFeed.ts';
import { PeoplePanel } from '../../../client/people/PeoplePanel.tsx';
import { createPeopleStore, type PeopleState, type PeopleStore } from '../../../client/people/peopleStore.ts';
import { createDataspaceStore } from '../../../client/room/dataspaceStore.ts';
import { useClientStack } from '../../e2e/clientStack.ts';

const i18n = initI18n({ lng: 'en' });
const stack = useClientStack('client_room_people', { realtime: true });

/** Resolves once `store`'s state satisfies `ok` (the current one included). */
function until<S>(
  store: { getState(): S; subscribe(fn: (s: S) => void): () => void },
  ok: (s: S) => boolean,
) {
  return new Promise<S>((resolve) => {
    if (ok(store.getState())) return resolve(store.getState());
    const off = store.subscribe((s) => {
      if (!ok(s)) return;
      off();
      resolve(s);
    });
  });
}

interface InRoom {
  feed: ColyseusRoomFeed;
  people: PeopleStore;
}

async function enter(token: string, dataspaceId: string): Promise<InRoom> {
  const feed = await joinSpatialRoom({ endpoint: stack.realtimeUrl(), accessToken: token, dataspaceId });
  return { feed, people: createPeopleStore(feed.room, (cb) => feed.onRefusal(cb)) };
}

const named = (s: PeopleState, name: string) => s.people.find((p) => p.name === name);

describe('people and chat in a shared room (real Colyseus SpatialRoom)', () => {
  it('lists each person with role and access, chats, gates the viewer, follows modes, and evicts on removal', async () => {
    const alice = await stack.newUser('alice');
    const a = createChenuApi(alice.sb);
    const space = (await a.dataspaces()).data[0]!;
    const bob = await stack.newUser('bob');
    const vera = await stack.newUser('vera');
    for (const [u, role] of [
      [bob, 'participant'],
      [vera, 'viewer'],
    ] as const) {
      const inv = await a.invite(space.id, u.email, role);
      await createChenuApi(u.sb).acceptInvitation(inv.id, u.identityId);
    }
    const rooms = {
      alice: await enter(alice.token, space.id),
      bob: await enter(bob.token, space.id),
      vera: await enter(vera.token, space.id),
    };

    const seen = await until(rooms.alice.people, (s) => s.people.length === 3);
    expect(seen.people.map((p) => [p.name, p.role, p.access, p.self])).toEqual([
      ['alice', 'host', 'owner', true],
      ['bob', 'participant', 'participant', false],
      ['vera', 'viewer', 'viewer', false],
    ]);
    expect(seen.myRole).toBe('host');
    await until(rooms.vera.people, (s) => s.myRole === 'viewer');

    // chat: the owner and a participant write, everyone reads, each line stamped by the room
    expect(rooms.alice.people.sendChat('  Bonjour à tous  ')).toBe(true);
    const bobSees = await until(rooms.bob.people, (s) => s.chat.length === 1);
    expect(bobSees.chat[0]).toMatchObject({ name: 'alice', text: 'Bonjour à tous', mine: false });
    expect(rooms.bob.people.sendChat('Salut')).toBe(true);
    const aliceSees = await until(rooms.alice.people, (s) => s.chat.length === 2);
    expect(aliceSees.chat.map((l) => [l.name, l.mine])).toEqual([
      ['alice', true],
      ['bob', false],
    ]);
    expect(rooms.alice.people.sendChat('   ')).toBe(false);

    // the viewer: the store sends nothing; a line forced onto the wire is refused by the room, in words
    expect(rooms.vera.people.sendChat('Je regarde')).toBe(false);
    rooms.vera.feed.room.send('chat', { text: 'Je regarde quand même' });
    const refused = await until(rooms.vera.people, (s) => s.chatError !== null);
    expect(refused.chatError).toMatchObject({ code: 'room.forbidden', details: { type: 'chat' } });
    expect(errorText(i18n.t.bind(i18n), i18n, refused.chatError!)).toBe(
      'A viewer watches: your role does not let you write in the chat.',
    );
    expect(rooms.alice.people.getState().chat).toHaveLength(2);

    // the people tab: the viewer reads the chat without a box; a participant has one
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    act(() => root.render(<PeoplePanel people={rooms.vera.people} />));
    expect(container.querySelector('input')).toBeNull();
    expect(container.textContent).toContain(
      'You are a viewer here: you read the chat but do not write in it.',
    );
    expect(container.textContent).toContain('alicehost · owner');
    act(() => root.render(<PeoplePanel people={rooms.bob.people} />));
    expect(container.querySelector('input[placeholder="Write a message…"]')).not.toBeNull();
    expect(container.textContent).toContain('Bonjour à tous');
    act(() => root.unmount());
    container.remove();

    // a headset on: everyone's list says so
    rooms.bob.people.setMode('vr');
    await until(rooms.alice.people, (s) => named(s, 'bob')?.mode === 'vr');

    // a host raises the viewer: her seat follows live (role and why), and her dataspace read again
    // gives the panels her new role
    const members = (await a.members(space.id)).data;
    const veraApi = createChenuApi(vera.sb);
    const veraSpace = createDataspaceStore(veraApi);
    veraSpace.setState({ dataspace: await veraApi.dataspace(space.id) });
    expect(veraSpace.getState().dataspace?.my_role).toBe('viewer');
    expect(rooms.vera.people.getState().myAccess).toBe('viewer');
    await a.changeMemberRole(space.id, members.find((m) => m.name === 'vera')!.membership_id!, 'participant');
    const raised = await until(rooms.vera.people, (s) => s.myRole === 'participant');
    expect(raised.myAccess).toBe('participant');
    expect(rooms.vera.people.sendChat('Je peux écrire')).toBe(true);
    await until(rooms.alice.people, (s) => s.chat.some((l) => l.text === 'Je peux écrire'));
    await veraSpace.refreshDataspace();
    expect(veraSpace.getState().dataspace?.my_role).toBe('participant');

    // removal: bob's room closes with "access ended" and he leaves everyone's list
    await a.removeMember(space.id, members.find((m) => m.name === 'bob')!.membership_id!);
    await until(rooms.bob.feed.status, (s) => s.status === 'closed');
    expect(rooms.bob.feed.status.getState().code).toBe(4403);
    await until(rooms.alice.people, (s) => s.people.length === 2);
    // reading his dataspace again now finds nothing: the closed room says why, no second error
    const bobSpace = createDataspaceStore(createChenuApi(bob.sb));
    bobSpace.setState({ dataspace: veraSpace.getState().dataspace });
    await bobSpace.refreshDataspace();
    expect(bobSpace.getState().error).toBeNull();

    for (const r of Object.values(rooms)) {
      r.people.dispose();
      await r.feed.leave().catch(() => undefined);
    }
  }, 90_000);
});

describe('meetings with invitees (real API and MeetingRoom)', () => {
  const meetingsOf = (api: ChenuApi, token: string): MeetingsStore =>
    createMeetingsStore(api, (id) => joinMeeting(stack.realtimeUrl(), token, id));

  it('checks invitees before anything is written', () => {
    expect(
      checkedInvitees([
        { email: ' Erin@Example.TEST ', role: 'participant' },
        { email: 'erin@example.test', role: 'viewer' },
        { email: '', role: 'participant' },
      ]),
    ).toEqual([{ email: 'erin@example.test', role: 'viewer' }]);
    expect(() => checkedInvitees([{ email: 'erin@', role: 'participant' }])).toThrow(/email_invalid/);
  });

  it('invites a non-member by e-mail, seats her, assigns her a task that reaches her bureau, and ends her seat', async () => {
    const alice = await stack.newUser('alice');
    const a = createChenuApi(alice.sb);
    const space = (await a.dataspaces()).data[0]!;
    const erin = await stack.newUser('erin');
    const e = createChenuApi(erin.sb);

    const hers = meetingsOf(a, alice.token);
    await hers.load(space.id);
    const meeting = await hers.schedule({
      title: 'Revue des plans',
      scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
      durationMinutes: 30,
      agenda: [{ title: 'Plans', minutes: 10 }],
      invitees: [{ email: erin.email, role: 'participant' }],
    });
    expect(meeting).not.toBeNull();
    expect(hers.getState().invited).toEqual([erin.email]);
    const [invitation] = (await e.myInvitations('pending')).data;
    expect(invitation).toMatchObject({
      meeting_id: meeting!.id,
      meeting_title: 'Revue des plans',
      role: 'participant',
    });
    await e.acceptInvitation(invitation!.id, erin.identityId);

    const erinMeetings = meetingsOf(e, erin.token);
    await hers.join(meeting!.id);
    await erinMeetings.join(meeting!.id);
    const live = await until(hers, (s) => (s.live?.participants.length ?? 0) === 2);
    const erinSeat = live.live!.participants.find((p) => p.displayName === 'erin')!;
    expect(erinSeat).toMatchObject({ role: 'participant', access: 'seat' });

    hers.feed()!.addNote('Livrer les plans révisés');
    const noted = await until(hers, (s) => (s.live?.notes.length ?? 0) === 1);
    expect(hers.makeTask(noted.live!.notes[0]!.id, '  Livrer les plans  ', erinSeat.sessionId)).toBe(true);
    await until(erinMeetings, (s) => !!s.live?.notes[0]?.taskId);
    expect((await e.assignedTasks()).data.map((t) => t.title)).toEqual(['Livrer les plans']);

    // the meeting is cancelled: the seat ends, and her room says so
    expect(await hers.cancel(meeting!.id)).toBe(true);
    const ended = await until(erinMeetings, (s) => s.error !== null);
    expect(ended.live).toBeNull();
    expect(ended.error?.code).toBe('room.access_ended');
    await hers.leave();
  }, 90_000);
});
