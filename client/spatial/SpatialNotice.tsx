import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useErrorText } from '../ui/ErrorNotice.tsx';
import type { SpatialStore } from './spatialStore.ts';

/**
 * Why part of the room is missing (2D, at the room's lower edge): a memory or workspace list the API
 * refused or that failed, as a sentence. The room itself stays.
 */
export function SpatialNotice({ spatial }: { spatial: SpatialStore }) {
  const { t } = useTranslation();
  const text = useErrorText();
  const memoryError = useStore(spatial, (s) => s.memoryError);
  const workspacesError = useStore(spatial, (s) => s.workspacesError);
  const panelErrors = useStore(spatial, (s) => s.workspaces.filter((w) => w.error).length);
  if (!memoryError && !workspacesError && panelErrors === 0) return null;
  return (
    <div className="spatial-notice notice notice-error" role="alert" aria-label={t('room.contentProblems')}>
      {memoryError && <p>{t('room.memoryFailed', { reason: text(memoryError) })}</p>}
      {workspacesError && <p>{t('room.workspacesFailed', { reason: text(workspacesError) })}</p>}
      {panelErrors > 0 && <p>{t('room.panelsFailed', { count: panelErrors })}</p>}
    </div>
  );
}
