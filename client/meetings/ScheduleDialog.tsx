import { now, getLocalTimeZone, type ZonedDateTime } from '@internationalized/date';
import { useEffect, useState } from 'react';
import { Form, NumberField, Label, Group, Input, Button as AriaButton } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { Meeting } from '../api/chenuApi.ts';
import type { UiError } from '../i18n/uiError.ts';
import { Button } from '../ui/Button.tsx';
import { DateTimeField, isoFromZoned, zonedFromIso } from '../ui/DateTimeField.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { ModalDialog } from '../ui/ModalDialog.tsx';
import { TextField } from '../ui/TextField.tsx';
import { SelectField } from '../ui/SelectField.tsx';
import { MEETING_ROLES } from '../sharing/roles.ts';
import type { AgendaItem, Invitee, MeetingDraft } from './meetingStore.ts';

/** A meeting's length in minutes from its interval text ("01:30:00", "90 minutes"). */
export function durationMinutes(interval: string): number {
  const hms = /^(\d+):(\d{2})(?::(\d{2}))?$/.exec(interval);
  if (hms) return Number(hms[1]) * 60 + Number(hms[2]);
  const minutes = /(\d+)\s*min/.exec(interval);
  if (minutes) return Number(minutes[1]);
  const hours = /(\d+)\s*hour/.exec(interval);
  return hours ? Number(hours[1]) * 60 : 60;
}

function MinutesField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
}) {
  return (
    <NumberField
      className="field field-narrow"
      value={value}
      onChange={(v) => onChange(Number.isFinite(v) ? v : 0)}
      minValue={1}
      maxValue={600}
    >
      <Label className="field-label">{label}</Label>
      <Group className="field-input number-group">
        <AriaButton slot="decrement" className="btn btn-quiet btn-sm">
          −
        </AriaButton>
        <Input className="number-input" />
        <AriaButton slot="increment" className="btn btn-quiet btn-sm">
          +
        </AriaButton>
      </Group>
    </NumberField>
  );
}

/** Next quarter hour, an hour from now: a sensible first value for a new meeting. */
function nextSlot(): ZonedDateTime {
  const start = now(getLocalTimeZone()).add({ hours: 1 });
  return start.set({ minute: (Math.ceil(start.minute / 15) * 15) % 60, second: 0, millisecond: 0 });
}

/** The people invited by e-mail: each an address and a role (participant or viewer). */
function InviteesField({
  invitees,
  onChange,
  editing,
}: {
  invitees: Invitee[];
  onChange: (next: Invitee[]) => void;
  editing: boolean;
}) {
  const { t } = useTranslation();
  const set = (i: number, change: Partial<Invitee>) =>
    onChange(invitees.map((x, j) => (j === i ? { ...x, ...change } : x)));
  return (
    <fieldset className="fieldset">
      <legend className="field-label">{editing ? t('meetings.inviteMore') : t('meetings.invitees')}</legend>
      <p className="field-description">{t('meetings.inviteesHelp')}</p>
      <ol className="agenda-edit">
        {invitees.map((x, i) => (
          <li key={i} className="row row-wrap">
            <TextField
              className="grow"
              type="email"
              label={t('meetings.inviteeEmail', { n: i + 1 })}
              value={x.email}
              onChange={(v) => set(i, { email: v })}
              maxLength={320}
            />
            <SelectField
              label={t('meetings.inviteeRole', { n: i + 1 })}
              options={MEETING_ROLES.map((r) => ({ id: r, label: t(`memberRoles.${r}`) }))}
              value={x.role}
              onChange={(v) => set(i, { role: v as Invitee['role'] })}
            />
            <Button
              size="sm"
              variant="quiet"
              aria-label={t('meetings.removeInvitee', { n: i + 1 })}
              onPress={() => onChange(invitees.filter((_, j) => j !== i))}
            >
              ✕
            </Button>
          </li>
        ))}
      </ol>
      <Button
        size="sm"
        variant="quiet"
        onPress={() => onChange([...invitees, { email: '', role: 'participant' }])}
      >
        {t('meetings.addInvitee')}
      </Button>
    </fieldset>
  );
}

/**
 * Scheduling (or rescheduling) a meeting: title, date and time in the person's time zone, length,
 * an agenda of items with minutes, and people invited by e-mail (to this meeting only: they need not
 * be members of the dataspace).
 */
export function ScheduleDialog({
  isOpen,
  onOpenChange,
  meeting,
  onSubmit,
  error,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  meeting: Meeting | null;
  onSubmit: (draft: MeetingDraft) => Promise<boolean>;
  error: UiError | null;
}) {
  const { t } = useTranslation();
  const [title, setTitle] = useState('');
  const [when, setWhen] = useState<ZonedDateTime>(nextSlot);
  const [minutes, setMinutes] = useState(60);
  const [agenda, setAgenda] = useState<AgendaItem[]>([]);
  const [invitees, setInvitees] = useState<Invitee[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!isOpen) return;
    setTitle(meeting?.title ?? '');
    setWhen(meeting ? zonedFromIso(meeting.scheduled_at) : nextSlot());
    setMinutes(meeting ? durationMinutes(meeting.duration) : 60);
    setAgenda(
      Array.isArray(meeting?.agenda)
        ? (meeting.agenda as AgendaItem[]).map((a) => ({ ...a }))
        : [{ title: '', minutes: 10 }],
    );
    setInvitees([]);
  }, [isOpen, meeting]);
  const setItem = (i: number, change: Partial<AgendaItem>) =>
    setAgenda((items) => items.map((a, j) => (j === i ? { ...a, ...change } : a)));
  return (
    <ModalDialog
      title={meeting ? t('meetings.edit') : t('meetings.schedule')}
      isOpen={isOpen}
      onOpenChange={onOpenChange}
    >
      {(close) => (
        <Form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            void onSubmit({
              title,
              scheduledAt: isoFromZoned(when),
              durationMinutes: minutes,
              agenda,
              invitees,
            }).then((ok) => {
              setBusy(false);
              if (ok) close();
            });
          }}
        >
          <TextField
            label={t('meetings.titleLabel')}
            value={title}
            onChange={setTitle}
            isRequired
            maxLength={200}
            autoFocus
          />
          <div className="row row-wrap">
            <DateTimeField label={t('meetings.when')} value={when} onChange={setWhen} />
            <MinutesField label={t('meetings.duration')} value={minutes} onChange={setMinutes} />
          </div>
          <fieldset className="fieldset">
            <legend className="field-label">{t('meetings.agenda')}</legend>
            <ol className="agenda-edit">
              {agenda.map((a, i) => (
                <li key={i} className="row row-wrap">
                  <TextField
                    className="grow"
                    label={t('meetings.agendaItem', { n: i + 1 })}
                    value={a.title}
                    onChange={(v) => setItem(i, { title: v })}
                    maxLength={200}
                  />
                  <MinutesField
                    label={t('meetings.minutes')}
                    value={a.minutes}
                    onChange={(v) => setItem(i, { minutes: v })}
                  />
                  <Button
                    size="sm"
                    variant="quiet"
                    aria-label={t('meetings.removeItem', { n: i + 1 })}
                    onPress={() => setAgenda((items) => items.filter((_, j) => j !== i))}
                  >
                    ✕
                  </Button>
                </li>
              ))}
            </ol>
            <Button
              size="sm"
              variant="quiet"
              onPress={() => setAgenda((items) => [...items, { title: '', minutes: 10 }])}
            >
              {t('meetings.addItem')}
            </Button>
          </fieldset>
          <InviteesField invitees={invitees} onChange={setInvitees} editing={meeting !== null} />
          <ErrorNotice error={error} />
          <div className="dialog-actions">
            <Button variant="quiet" onPress={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" variant="primary" isDisabled={busy}>
              {meeting ? t('common.save') : t('meetings.schedule')}
            </Button>
          </div>
        </Form>
      )}
    </ModalDialog>
  );
}
