import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbEventMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { MeetingState } from '../../shared/schema/MeetingState.ts';
import {
  CAST,
  clientAs,
  createDataspace,
  grantElevation,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
} from './realtimeHarness.ts';

let h: Harness;
let meetingId: string;

beforeAll(async () => {
  h = await startHarness();
  const ds = await createDataspace(h.sql, 'a1', 'Conseil');
  await grantElevation(h.sql, 'b1', 'a1', ds, 'write');
  const [m] = await h.sql<{ id: string }[]>`
    insert into public.meetings (identity_id, user_id, dataspace_id, title, agenda, scheduled_at, status, started_at)
    values (${CAST.a1}, ${CAST.alice}, ${ds}, 'Point travaux',
            '[{"title": "Toiture", "minutes": 10}, {"title": "Budget", "minutes": 5}]', now(), 'live', now())
    returning id`;
  meetingId = m!.id;
  await h.sql`insert into public.meeting_participants (identity_id, meeting_id, participant_identity_id, display_name, role)
              values (${CAST.a1}, ${meetingId}, ${CAST.b1}, 'Bob', 'moderator')`;
});
afterAll(() => h.stop());

async function join(persona: 'a1' | 'b1'): Promise<SdkRoom<unknown, MeetingState>> {
  const room = await (await clientAs(h, persona)).joinOrCreate<MeetingState>('meeting', { meetingId });
  await untilState(room, (s) => s.participants?.has(room.sessionId) === true);
  return room;
}

describe('MeetingRoom', () => {
  it('runs agenda, speaker queue and timer, with roles from the meeting', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    await untilState(alice, (s) => s.participants.size === 2);
    expect(alice.state.participants.get(alice.sessionId)!.role).toBe('host');
    expect(alice.state.participants.get(bob.sessionId)!.role).toBe('moderator');
    expect(alice.state.agenda.map((a) => a.title)).toEqual(['Toiture', 'Budget']);

    bob.send('raiseHand', {});
    await untilState(alice, (s) => s.speakerQueue.includes(bob.sessionId));
    alice.send('nextSpeaker', {});
    await untilState(bob, (s) => s.speaker === bob.sessionId && s.speakerQueue.length === 0);
    bob.send('agendaGo', { index: 1 });
    await untilState(alice, (s) => s.agendaIndex === 1);
    alice.send('timerStart', { seconds: 1 });
    await untilState(bob, (s) => s.timerRunning);
    await untilState(bob, (s) => !s.timerRunning);
    await Promise.all([alice.leave(), bob.leave()]);
  });

  it('turns a shared note into a task that lands in meeting_tasks and comes back through NOTIFY', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    const noted = nextMessage<{ notes: string[] }>(bob, 'saved');
    bob.send('addNote', { text: 'Demander trois soumissions pour la toiture' });
    const [noteId] = (await noted).notes;
    await untilState(alice, (s) => s.notes.some((n) => n.id === noteId));
    const dbEvent = nextMessage<DbEventMessage>(alice, 'db');
    alice.send('noteToTask', {
      noteId: noteId!,
      title: 'Soumissions toiture',
      assigneeSessionId: bob.sessionId,
    });
    await untilState(alice, (s) => s.notes.find((n) => n.id === noteId)?.taskId !== '');
    const taskId = alice.state.notes.find((n) => n.id === noteId)!.taskId;
    const [task] = await h.sql<
      { title: string; note_id: string; assignee: string | null; identity_id: string }[]
    >`
      select t.title, t.note_id, p.participant_identity_id as assignee, t.identity_id
      from public.meeting_tasks t left join public.meeting_participants p on p.id = t.assignee_participant_id
      where t.id = ${taskId}`;
    expect(task).toEqual({
      title: 'Soumissions toiture',
      note_id: noteId,
      assignee: CAST.b1,
      identity_id: CAST.a1,
    });
    expect(await dbEvent).toMatchObject({ table: 'meeting_tasks', op: 'INSERT', id: taskId });
    await Promise.all([alice.leave(), bob.leave()]);
  });

  it('refuses entry to an identity that cannot see the meeting', async () => {
    const stranger = await clientAs(h, 'b2');
    await expect(stranger.joinOrCreate('meeting', { meetingId })).rejects.toThrow(/not open/);
  });
});
