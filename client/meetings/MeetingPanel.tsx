import { useState } from 'react';
import { useStore } from 'zustand';
import type { MeetingsStore } from './meetingStore.ts';

const MODERATORS = new Set(['host', 'moderator']);

/**
 * A meeting room (2D overlay): the dataspace's meetings to join; once joined, participants with
 * raised hands, the agenda with the current item, the speaker queue, shared notes, and — for hosts
 * and moderators — next speaker, agenda moves and notes turned into tasks (meeting_tasks).
 */
export function MeetingPanel({ meetings }: { meetings: MeetingsStore }) {
  const list = useStore(meetings, (s) => s.meetings);
  const live = useStore(meetings, (s) => s.live);
  const joining = useStore(meetings, (s) => s.joining);
  const error = useStore(meetings, (s) => s.error);
  const [note, setNote] = useState('');
  const feed = meetings.feed();
  if (!live || !feed) {
    return (
      <section className="panel meeting" aria-label="Meetings">
        <h2>Meetings</h2>
        {list.length === 0 && <p>No meeting in this dataspace.</p>}
        <ul>
          {list.map((m) => (
            <li key={m.id}>
              {m.title} <small>{m.status}</small>{' '}
              <button type="button" disabled={joining} onClick={() => void meetings.join(m.id)}>
                Join
              </button>
            </li>
          ))}
        </ul>
        {error && <p role="alert">{error}</p>}
      </section>
    );
  }
  const me = live.participants.find((p) => p.sessionId === live.selfId);
  const moderator = me ? MODERATORS.has(me.role) : false;
  const nameOf = (id: string) => live.participants.find((p) => p.sessionId === id)?.displayName ?? '—';
  return (
    <section className="panel meeting" aria-label={`Meeting ${live.title}`}>
      <h2>{live.title}</h2>
      <button type="button" onClick={() => void meetings.leave()}>
        Leave
      </button>
      <h3>Participants</h3>
      <ul aria-label="Participants">
        {live.participants.map((p) => (
          <li key={p.sessionId} data-hand={p.handRaised}>
            {p.displayName} <small>{p.role}</small>
            {p.handRaised && ' ✋'}
            {live.speaker === p.sessionId && ' 🎤'}
          </li>
        ))}
      </ul>
      <h3>Agenda</h3>
      <ol aria-label="Agenda">
        {live.agenda.map((a, i) => (
          <li key={i} aria-current={i === live.agendaIndex ? 'step' : undefined}>
            {a.title} <small>{a.minutes} min</small>
            {moderator && i !== live.agendaIndex && (
              <button type="button" onClick={() => feed.agendaGo(i)}>
                Go
              </button>
            )}
          </li>
        ))}
      </ol>
      <h3>Speakers</h3>
      <p data-testid="speaker">Speaking: {live.speaker ? nameOf(live.speaker) : 'nobody'}</p>
      <ol aria-label="Speaker queue">
        {live.speakerQueue.map((id) => (
          <li key={id}>{nameOf(id)}</li>
        ))}
      </ol>
      {me?.handRaised ? (
        <button type="button" onClick={() => feed.lowerHand()}>
          Lower hand
        </button>
      ) : (
        <button type="button" onClick={() => feed.raiseHand()}>
          Raise hand
        </button>
      )}
      {moderator && (
        <button type="button" onClick={() => feed.nextSpeaker()}>
          Next speaker
        </button>
      )}
      <h3>Notes</h3>
      <ul aria-label="Notes">
        {live.notes.map((n) => (
          <li key={n.id}>
            <strong>{n.authorName}</strong> {n.text}
            {n.taskId ? (
              <small> · task</small>
            ) : (
              moderator && (
                <button type="button" onClick={() => feed.noteToTask(n.id, n.text.slice(0, 200))}>
                  Make task
                </button>
              )
            )}
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (note.trim()) feed.addNote(note.trim());
          setNote('');
        }}
      >
        <input aria-label="Note" value={note} onChange={(e) => setNote(e.target.value)} />
        <button type="submit">Add note</button>
      </form>
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
