import { useEffect, useState } from 'react';
import { Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Button } from '../ui/Button.tsx';
import { ModalDialog } from '../ui/ModalDialog.tsx';
import { SelectField } from '../ui/SelectField.tsx';
import { TextField } from '../ui/TextField.tsx';
import type { MeetingNoteView, MeetingParticipantView } from './meetingFeed.ts';

/** The assignee choice meaning "nobody yet". */
const NOBODY = '';

/**
 * A shared note becomes a task (meeting_tasks): its title (the note's words to start with) and who
 * it is assigned to among the people present — a task assigned to someone reaches their bureau,
 * whoever owns the meeting.
 */
export function TaskDialog({
  note,
  participants,
  onOpenChange,
  onSubmit,
}: {
  note: MeetingNoteView | null;
  participants: readonly MeetingParticipantView[];
  onOpenChange: (open: boolean) => void;
  onSubmit: (title: string, assigneeSessionId: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState(NOBODY);
  useEffect(() => {
    if (!note) return;
    setTitle(note.text.slice(0, 200));
    setAssignee(NOBODY);
  }, [note]);
  // one choice per person, whatever their number of devices
  const people = [...new Map(participants.map((p) => [p.identityId, p])).values()];
  return (
    <ModalDialog title={t('meetings.taskTitle')} isOpen={note !== null} onOpenChange={onOpenChange}>
      {(close) => (
        <Form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (!title.trim()) return;
            onSubmit(title.trim(), assignee || undefined);
            close();
          }}
        >
          <TextField
            label={t('meetings.taskName')}
            value={title}
            onChange={setTitle}
            isRequired
            maxLength={200}
          />
          <SelectField
            label={t('meetings.assignee')}
            options={[
              { id: NOBODY, label: t('meetings.nobody') },
              ...people.map((p) => ({ id: p.sessionId, label: p.displayName, detail: t(`roles.${p.role}`) })),
            ]}
            value={assignee}
            onChange={setAssignee}
          />
          <p className="muted">{t('meetings.assigneeHelp')}</p>
          <div className="dialog-actions">
            <Button variant="quiet" onPress={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" variant="primary" isDisabled={!title.trim()}>
              {t('meetings.createTask')}
            </Button>
          </div>
        </Form>
      )}
    </ModalDialog>
  );
}
