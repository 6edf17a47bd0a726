import { describe, expect, it } from 'vitest';
import { createChenuApi } from '../../../client/api/chenuApi.ts';
import { joinMeeting, type MeetingFeed, type MeetingSnapshot } from '../../../client/meetings/meetingFeed.ts';
import { createMeetingsStore } from '../../../client/meetings/meetingStore.ts';
import { useClientStack } from '../../e2e/clientStack.ts';

const stack = useClientStack('client_meeting', { realtime: true });

/** Resolves with the first snapshot that satisfies `ok` (the current one included). */
function until(feed: MeetingFeed, ok: (s: MeetingSnapshot) => boolean): Promise<MeetingSnapshot> {
  return new Promise((resolve) => {
    const off = feed.onChange((s) => {
      if (!ok(s)) return;
      queueMicrotask(() => off());
      resolve(s);
    });
  });
}

async function post<T = { id: string }>(
  u: { sb: ReturnType<typeof stack.supabase> },
  path: string,
  body: unknown,
) {
  const { data, error } = await u.sb.functions.invoke(path, { method: 'POST', body: body as never });
  if (error) throw error;
  return data as T;
}

describe('meeting room (real gateway, Deno functions and Colyseus MeetingRoom)', () => {
  it('joins, shows agenda and participants, queues a raised hand, shares a note and turns it into a task', async () => {
    const host = await stack.newUser('host');
    const sphere = await post(host, 'spheres', { name: 'Bureau' });
    const ds = await post(host, 'dataspaces', { sphere_id: sphere.id, name: 'Chantier' });
    const meeting = await post(host, 'meetings', {
      dataspace_id: ds.id,
      title: 'Réunion de chantier',
      scheduled_at: new Date().toISOString(),
      agenda: [
        { title: 'Sécurité', minutes: 5 },
        { title: 'Échéancier', minutes: 10 },
      ],
    });
    const api = createChenuApi(host.sb);
    const meetings = createMeetingsStore(api, (id) => joinMeeting(stack.realtimeUrl(), host.token, id));
    await meetings.load(ds.id);
    expect(meetings.getState().meetings.map((m) => m.title)).toEqual(['Réunion de chantier']);
    await meetings.join(meeting.id);
    expect(meetings.getState().error).toBeNull();
    const feed = meetings.feed()!;
    let s = await until(feed, (x) => x.participants.length === 1);
    expect(s).toMatchObject({
      title: 'Réunion de chantier',
      agenda: [
        { title: 'Sécurité', minutes: 5 },
        { title: 'Échéancier', minutes: 10 },
      ],
      agendaIndex: 0,
      participants: [{ displayName: 'host', role: 'host', handRaised: false }],
      speaker: null,
    });

    feed.raiseHand();
    s = await until(feed, (x) => x.speakerQueue.length === 1);
    expect(s.speakerQueue).toEqual([s.selfId]);
    expect(s.participants[0]!.handRaised).toBe(true);
    feed.nextSpeaker();
    s = await until(feed, (x) => x.speaker !== null);
    expect(s).toMatchObject({ speaker: s.selfId, speakerQueue: [] });
    feed.agendaGo(1);
    await until(feed, (x) => x.agendaIndex === 1);

    feed.addNote('Commander la grue pour lundi');
    s = await until(feed, (x) => x.notes.length === 1);
    const noteId = s.notes[0]!.id;
    expect(s.notes[0]).toMatchObject({
      authorName: 'host',
      text: 'Commander la grue pour lundi',
      taskId: null,
    });
    feed.noteToTask(noteId, 'Commander la grue');
    s = await until(feed, (x) => x.notes[0]!.taskId !== null);
    // the task landed in meeting_tasks, read back through the API
    const tasks = await api.meetingTasks(meeting.id);
    expect(tasks.data.map((t) => [t.id, t.title, t.note_id])).toEqual([
      [s.notes[0]!.taskId, 'Commander la grue', noteId],
    ]);

    // a refused intent shows the room's reason
    feed.agendaGo(7);
    await new Promise<void>((resolve) => {
      const off = meetings.subscribe((m) => m.error && (off(), resolve()));
    });
    expect(meetings.getState().error).toMatchObject({
      code: 'room.not_found',
      message: 'no such agenda item',
    });
    await meetings.leave();
    expect(meetings.getState().live).toBeNull();
  });

  it('makes one connection when a join is asked again while on its way, and leaves one that arrives after leave', async () => {
    const host = await stack.newUser('twice');
    const sphere = await post(host, 'spheres', { name: 'Bureau' });
    const ds = await post(host, 'dataspaces', { sphere_id: sphere.id, name: 'Chantier' });
    const meeting = await post(host, 'meetings', {
      dataspace_id: ds.id,
      title: 'Deux fois',
      scheduled_at: new Date().toISOString(),
    });
    const joined: MeetingFeed[] = [];
    let asked = () => {};
    const meetings = createMeetingsStore(createChenuApi(host.sb), async (id) => {
      asked();
      const feed = await joinMeeting(stack.realtimeUrl(), host.token, id);
      joined.push(feed);
      return feed;
    });
    // what a React effect does when it runs, is cleaned up and runs again before the room answered
    const first = meetings.join(meeting.id);
    await meetings.leave();
    await Promise.all([first, meetings.join(meeting.id)]);
    expect(joined).toHaveLength(1);
    expect(meetings.feed()).toBe(joined[0]);
    // a second device of the same identity watches the room: the store's session and its own
    const watcher = await joinMeeting(stack.realtimeUrl(), host.token, meeting.id);
    await until(watcher, (x) => x.participants.length === 2);

    // left while joining: the late connection is closed at once, the store stays out
    await meetings.leave();
    await until(watcher, (x) => x.participants.length === 1);
    const connecting = new Promise<void>((resolve) => (asked = resolve));
    const late = meetings.join(meeting.id);
    await connecting;
    await meetings.leave();
    await late;
    expect(joined).toHaveLength(2);
    expect(meetings.feed()).toBeNull();
    expect(meetings.getState().live).toBeNull();
    await until(watcher, (x) => x.participants.length === 1);
    await watcher.leave();
  });

  it("refuses another identity's meeting at the door, with the reason", async () => {
    const host = await stack.newUser('owner');
    const sphere = await post(host, 'spheres', { name: 'Privé' });
    const ds = await post(host, 'dataspaces', { sphere_id: sphere.id, name: 'Famille' });
    const meeting = await post(host, 'meetings', {
      dataspace_id: ds.id,
      title: 'Souper',
      scheduled_at: new Date().toISOString(),
    });
    const stranger = await stack.newUser('stranger');
    const meetings = createMeetingsStore(createChenuApi(stranger.sb), (id) =>
      joinMeeting(stack.realtimeUrl(), stranger.token, id),
    );
    await meetings.join(meeting.id);
    expect(meetings.getState().live).toBeNull();
    expect(meetings.getState().error?.code).toBe('realtime.refused');
  });
});
