import { useEffect, useState } from 'react';
import { Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useFormat } from '../i18n/format.ts';
import { Button } from '../ui/Button.tsx';
import { TextField } from '../ui/TextField.tsx';
import type { MeetingNoteView } from './meetingFeed.ts';
import type { MeetingsStore } from './meetingStore.ts';
import { TaskDialog } from './TaskDialog.tsx';

const MODERATORS = new Set(['host', 'moderator']);

/** Seconds left on the meeting's timer, ticking once a second while it runs. */
function useCountdown(endsAt: number | null): number | null {
  const [nowMs, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (endsAt === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [endsAt]);
  return endsAt === null ? null : Math.max(0, Math.round((endsAt - nowMs) / 1000));
}

/**
 * The joined meeting room: participants with raised hands, the agenda with the current item, who
 * speaks and the queue, the timer, shared notes; hosts and moderators give the floor, move the
 * agenda, run the timer and turn notes into tasks (meeting_tasks).
 */
export function LiveMeeting({ meetings }: { meetings: MeetingsStore }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const live = useStore(meetings, (s) => s.live);
  const [note, setNote] = useState('');
  const [tasking, setTasking] = useState<MeetingNoteView | null>(null);
  const left = useCountdown(live?.timerEndsAt ?? null);
  const feed = meetings.feed();
  if (!live || !feed) return null;
  const me = live.participants.find((p) => p.sessionId === live.selfId);
  const moderator = me ? MODERATORS.has(me.role) : false;
  // a viewer watches: the room refuses its hand and its notes, so the panel offers neither
  const viewer = me?.role === 'viewer';
  const nameOf = (id: string) => live.participants.find((p) => p.sessionId === id)?.displayName ?? '—';
  return (
    <section className="stack live-meeting" aria-label={t('meetings.liveLabel', { title: live.title })}>
      <div className="panel-head">
        <h3 className="section-title">{live.title}</h3>
        <Button size="sm" variant="quiet" onPress={() => void meetings.leave()}>
          {t('meetings.leave')}
        </Button>
      </div>
      <p data-testid="speaker" className="speaker">
        {live.speaker ? t('meetings.speaking', { name: nameOf(live.speaker) }) : t('meetings.nobodySpeaking')}
      </p>
      {viewer && <p className="notice">{t('meetings.viewerNotice')}</p>}
      <div className="row row-wrap">
        {me?.handRaised ? (
          <Button variant="secondary" onPress={() => feed.lowerHand()}>
            {t('meetings.lowerHand')}
          </Button>
        ) : (
          !viewer && (
            <Button variant="primary" onPress={() => feed.raiseHand()}>
              {t('meetings.raiseHand')}
            </Button>
          )
        )}
        {moderator && (
          <Button
            variant="secondary"
            onPress={() => feed.nextSpeaker()}
            isDisabled={live.speakerQueue.length === 0}
          >
            {t('meetings.nextSpeaker')}
          </Button>
        )}
      </div>
      <h4 className="subsection-title">{t('meetings.queue')}</h4>
      {live.speakerQueue.length === 0 ? (
        <p className="muted">{t('meetings.queueEmpty')}</p>
      ) : (
        <ol className="item-list" aria-label={t('meetings.queue')}>
          {live.speakerQueue.map((id) => (
            <li key={id}>{nameOf(id)}</li>
          ))}
        </ol>
      )}
      <h4 className="subsection-title">{t('meetings.timer')}</h4>
      <div className="row row-wrap">
        <span className="timer" role="timer" aria-live="off">
          {left === null
            ? t('meetings.timerStopped')
            : t('meetings.timerLeft', {
                minutes: Math.floor(left / 60),
                seconds: String(left % 60).padStart(2, '0'),
              })}
        </span>
        {moderator &&
          (left === null ? (
            <Button size="sm" variant="secondary" onPress={() => feed.timerStart(5 * 60)}>
              {t('meetings.timerStart', { minutes: 5 })}
            </Button>
          ) : (
            <Button size="sm" variant="secondary" onPress={() => feed.timerStop()}>
              {t('meetings.timerStop')}
            </Button>
          ))}
      </div>
      <h4 className="subsection-title">{t('meetings.participants')}</h4>
      <ul className="item-list" aria-label={t('meetings.participants')}>
        {live.participants.map((p) => (
          <li key={p.sessionId} data-hand={p.handRaised}>
            {p.displayName}{' '}
            <span className="muted">
              · {t(`roles.${p.role}`)}
              {p.access === 'seat' && ` · ${t('access.seat')}`}
            </span>
            {p.handRaised && <span className="badge">{t('meetings.handUp')}</span>}
            {live.speaker === p.sessionId && (
              <span className="badge badge-accent">{t('meetings.speakingBadge')}</span>
            )}
          </li>
        ))}
      </ul>
      <h4 className="subsection-title">{t('meetings.agenda')}</h4>
      {live.agenda.length === 0 ? (
        <p className="muted">{t('meetings.noAgenda')}</p>
      ) : (
        <ol className="item-list agenda" aria-label={t('meetings.agenda')}>
          {live.agenda.map((a, i) => (
            <li key={i} aria-current={i === live.agendaIndex ? 'step' : undefined} className="row">
              <span className="grow">
                {a.title}{' '}
                <span className="muted">
                  · {t('meetings.minutesValue', { count: a.minutes, value: fmt.number(a.minutes) })}
                </span>
              </span>
              {moderator && i !== live.agendaIndex && (
                <Button
                  size="sm"
                  variant="quiet"
                  onPress={() => feed.agendaGo(i)}
                  aria-label={t('meetings.goTo', { title: a.title })}
                >
                  {t('meetings.go')}
                </Button>
              )}
            </li>
          ))}
        </ol>
      )}
      <h4 className="subsection-title">{t('meetings.notes')}</h4>
      {live.notes.length === 0 && <p className="muted">{t('meetings.noNotes')}</p>}
      <ul className="item-list" aria-label={t('meetings.notes')}>
        {live.notes.map((n) => (
          <li key={n.id} className="row">
            <span className="grow">
              <strong>{n.authorName}</strong> {n.text}
            </span>
            {n.taskId ? (
              <span className="badge">{t('meetings.isTask')}</span>
            ) : (
              moderator && (
                <Button
                  size="sm"
                  variant="quiet"
                  onPress={() => setTasking(n)}
                  aria-label={t('meetings.makeTaskLabel', { note: n.text.slice(0, 60) })}
                >
                  {t('meetings.makeTask')}
                </Button>
              )
            )}
          </li>
        ))}
      </ul>
      {!viewer && (
        <Form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (note.trim()) feed.addNote(note.trim());
            setNote('');
          }}
        >
          <TextField
            className="grow"
            label={t('meetings.note')}
            hideLabel
            placeholder={t('meetings.notePlaceholder')}
            value={note}
            onChange={setNote}
          />
          <Button type="submit" isDisabled={!note.trim()}>
            {t('meetings.addNote')}
          </Button>
        </Form>
      )}
      <TaskDialog
        note={tasking}
        participants={live.participants}
        onOpenChange={(o) => !o && setTasking(null)}
        onSubmit={(title, assignee) => tasking && meetings.makeTask(tasking.id, title, assignee)}
      />
    </section>
  );
}
