import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Dataspace } from '../api/chenuApi.ts';
import { useSessionStore } from '../session/SessionContext.ts';
import { Button } from '../ui/Button.tsx';
import { can } from './roles.ts';
import { ShareDialog } from './ShareDialog.tsx';
import { createShareStore } from './shareStore.ts';

/**
 * "Share" (hosts) or "People" (anyone else with a role) on a dataspace: opens its share dialog. The
 * share store lives as long as the button (the room bar, a dataspace card).
 */
export function ShareButton({
  dataspace,
  size = 'md',
  hostsOnly = false,
}: {
  dataspace: Pick<Dataspace, 'id' | 'name' | 'my_role'>;
  size?: 'sm' | 'md';
  /** Shown to hosts only (the room bar: the others see who is here in the people tab). */
  hostsOnly?: boolean;
}) {
  const { t } = useTranslation();
  const session = useSessionStore();
  const [share] = useState(() =>
    createShareStore(session.api, globalThis.location?.origin ?? 'http://localhost'),
  );
  const [open, setOpen] = useState(false);
  const hosting = can(dataspace.my_role, 'share');
  if (hostsOnly && !hosting) return null;
  return (
    <>
      <Button
        variant={hosting ? 'secondary' : 'quiet'}
        size={size}
        onPress={() => setOpen(true)}
        aria-label={
          hosting
            ? t('share.openLabel', { name: dataspace.name })
            : t('share.peopleLabel', { name: dataspace.name })
        }
      >
        {hosting ? t('share.open') : t('share.peopleButton')}
      </Button>
      <ShareDialog share={share} dataspace={dataspace} isOpen={open} onOpenChange={setOpen} />
    </>
  );
}
