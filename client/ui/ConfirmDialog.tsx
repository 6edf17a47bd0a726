import { useTranslation } from 'react-i18next';
import { Button } from './Button.tsx';
import { ModalDialog } from './ModalDialog.tsx';

/** Asks before an action that cannot be undone from here (delete, cancel a meeting). */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  isOpen,
  onOpenChange,
  onConfirm,
  danger = true,
}: {
  title: string;
  body: string;
  confirmLabel: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: () => void;
  danger?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <ModalDialog title={title} isOpen={isOpen} onOpenChange={onOpenChange} role="alertdialog">
      {(close) => (
        <>
          <p>{body}</p>
          <div className="dialog-actions">
            <Button variant="quiet" onPress={close} autoFocus>
              {t('common.cancel')}
            </Button>
            <Button
              variant={danger ? 'danger' : 'primary'}
              onPress={() => {
                onConfirm();
                close();
              }}
            >
              {confirmLabel}
            </Button>
          </div>
        </>
      )}
    </ModalDialog>
  );
}
