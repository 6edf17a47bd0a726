import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Meeting } from '../api/chenuApi.ts';
import { useFormat } from '../i18n/format.ts';
import { useDataspace } from '../room/DataspaceContext.ts';
import { can } from '../sharing/roles.ts';
import { ActionMenu } from '../ui/ActionMenu.tsx';
import { Button } from '../ui/Button.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { LiveMeeting } from './LiveMeeting.tsx';
import { isJoinable, type MeetingsStore } from './meetingStore.ts';
import { ScheduleDialog } from './ScheduleDialog.tsx';

type Dialog =
  { kind: 'schedule' } | { kind: 'edit'; meeting: Meeting } | { kind: 'cancel'; meeting: Meeting } | null;

/**
 * The dock's meetings tab: the joined meeting first (floor control, notes, tasks), then the
 * dataspace's meetings to join, edit or cancel, and scheduling a new one. Past and cancelled meetings
 * are listed apart, not joinable.
 */
export function MeetingsPanel({ meetings }: { meetings: MeetingsStore }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const list = useStore(meetings, (s) => s.meetings);
  const live = useStore(meetings, (s) => s.live);
  const joining = useStore(meetings, (s) => s.joining);
  const error = useStore(meetings, (s) => s.error);
  const invited = useStore(meetings, (s) => s.invited);
  // scheduling, editing and cancelling are an editor's (docs/SHARING.md); anyone with a role joins
  const editing = can(
    useDataspace((s) => s.dataspace?.my_role),
    'edit',
  );
  const [dialog, setDialog] = useState<Dialog>(null);
  const upcoming = list.filter(isJoinable);
  const past = list.filter((m) => !isJoinable(m));
  const close = (o: boolean) => !o && (setDialog(null), meetings.clearError());
  return (
    <section className="stack" aria-label={t('meetings.title')}>
      <div className="panel-head">
        <h2 className="panel-title">{t('meetings.title')}</h2>
        {editing && (
          <Button size="sm" variant="secondary" onPress={() => setDialog({ kind: 'schedule' })}>
            {t('meetings.schedule')}
          </Button>
        )}
      </div>
      <ErrorNotice error={dialog ? null : error} />
      {invited.length > 0 && !dialog && (
        <p className="notice" role="status">
          {t('meetings.invitedSent', { list: invited.join(', '), count: invited.length })}
        </p>
      )}
      <LiveMeeting meetings={meetings} />
      {upcoming.length === 0 && !live ? (
        <EmptyState
          title={t('meetings.emptyTitle')}
          body={editing ? t('meetings.emptyBody') : t('meetings.emptyBodyMember')}
          action={
            editing && (
              <Button variant="primary" onPress={() => setDialog({ kind: 'schedule' })}>
                {t('meetings.schedule')}
              </Button>
            )
          }
        />
      ) : (
        <ul className="item-list" aria-label={t('meetings.upcoming')}>
          {upcoming.map((m) => (
            <li key={m.id} className="row meeting-row">
              <span className="grow">
                <strong>{m.title}</strong>
                <br />
                <span className="muted">
                  {m.status === 'live'
                    ? t('meetings.liveNow')
                    : `${fmt.dateTime(m.scheduled_at)} · ${fmt.relative(m.scheduled_at)}`}
                </span>
              </span>
              {live?.meetingId !== m.id && (
                <Button
                  size="sm"
                  variant="primary"
                  isDisabled={joining}
                  onPress={() => void meetings.join(m.id)}
                  aria-label={t('meetings.joinLabel', { title: m.title })}
                >
                  {t('meetings.join')}
                </Button>
              )}
              {editing && (
                <ActionMenu
                  label={t('meetings.actions', { title: m.title })}
                  actions={[
                    {
                      id: 'edit',
                      label: t('meetings.editInvite'),
                      onAction: () => setDialog({ kind: 'edit', meeting: m }),
                    },
                    {
                      id: 'cancel',
                      label: t('meetings.cancel'),
                      danger: true,
                      onAction: () => setDialog({ kind: 'cancel', meeting: m }),
                    },
                  ]}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {past.length > 0 && (
        <>
          <h3 className="section-title">{t('meetings.past')}</h3>
          <ul className="item-list" aria-label={t('meetings.past')}>
            {past.map((m) => (
              <li key={m.id}>
                {m.title}{' '}
                <span className="muted">
                  · {t(`meetingStatus.${m.status}`)} · {fmt.date(m.scheduled_at)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <ScheduleDialog
        isOpen={dialog?.kind === 'schedule' || dialog?.kind === 'edit'}
        onOpenChange={close}
        meeting={dialog?.kind === 'edit' ? dialog.meeting : null}
        error={error}
        onSubmit={async (draft) =>
          dialog?.kind === 'edit'
            ? meetings.update(dialog.meeting.id, draft)
            : (await meetings.schedule(draft)) !== null
        }
      />
      <ConfirmDialog
        title={t('meetings.cancelTitle')}
        body={dialog?.kind === 'cancel' ? t('meetings.cancelBody', { title: dialog.meeting.title }) : ''}
        confirmLabel={t('meetings.cancel')}
        isOpen={dialog?.kind === 'cancel'}
        onOpenChange={close}
        onConfirm={() => dialog?.kind === 'cancel' && void meetings.cancel(dialog.meeting.id)}
      />
    </section>
  );
}
