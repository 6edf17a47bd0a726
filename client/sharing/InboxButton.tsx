import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../ui/Button.tsx';
import { ModalDialog } from '../ui/ModalDialog.tsx';
import { InvitationList } from './InvitationList.tsx';
import { useInbox } from './SharingContext.ts';

/**
 * The invitations inbox behind a button that shows how many wait (live, from the presence room):
 * in the 2D screens' header, and in the room's bar while some wait.
 */
export function InboxButton({
  size = 'md',
  hideWhenEmpty = false,
}: {
  size?: 'sm' | 'md';
  /** Appears only while invitations wait (the room bar, where space is short). */
  hideWhenEmpty?: boolean;
}) {
  const { t } = useTranslation();
  const count = useInbox((s) => s.invitations.length);
  const [open, setOpen] = useState(false);
  if (hideWhenEmpty && count === 0 && !open) return null;
  return (
    <>
      <Button
        variant={count > 0 ? 'secondary' : 'quiet'}
        size={size}
        onPress={() => setOpen(true)}
        aria-label={t('inbox.buttonLabel', { count })}
        data-count={count}
      >
        {t('inbox.button')}
        {/* the visible words ("Invitations 1") must read as words within the spoken label */}
        {count > 0 && ' '}
        {count > 0 && (
          <span className="badge badge-accent" aria-hidden="true">
            {count}
          </span>
        )}
      </Button>
      <ModalDialog title={t('inbox.title')} isOpen={open} onOpenChange={setOpen}>
        {(close) => (
          <div className="stack inbox-dialog">
            <InvitationList onOpened={close} />
            <div className="dialog-actions">
              <Button variant="primary" onPress={close}>
                {t('common.close')}
              </Button>
            </div>
          </div>
        )}
      </ModalDialog>
    </>
  );
}
