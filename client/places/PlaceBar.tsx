import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useDataspace } from '../room/DataspaceContext.ts';
import type { SpatialStore } from '../spatial/spatialStore.ts';
import { Button } from '../ui/Button.tsx';
import { placeParts, usePlace } from './PlaceContext.ts';

/**
 * Where this page stands in the dataspace, on a flat screen: the thread's or workspace's room and
 * the way back to the dataspace's room. (In VR and AR the doors are 3D: PlaceDoors3D.)
 */
export function PlaceBar({ spatial }: { spatial: SpatialStore }) {
  const { t } = useTranslation();
  const nav = usePlace();
  const dsName = useDataspace((s) => s.dataspace?.name ?? '');
  const threads = useDataspace((s) => s.threads);
  const workspaces = useStore(spatial, (s) => s.workspaces);
  const parts = placeParts(nav?.place ?? null);
  if (!nav || !parts) return null;
  const name =
    parts.kind === 'thread'
      ? threads.find((x) => x.id === parts.id)?.title
      : workspaces.find((v) => v.workspace.id === parts.id)?.workspace.name;
  return (
    <nav className="card row place-bar" aria-label={t('places.label')}>
      <span data-place={nav.place}>{t('places.here', { name: name ?? '' })}</span>
      <Button size="sm" variant="primary" onPress={() => nav.enter(null)}>
        {t('places.hall', { name: dsName })}
      </Button>
    </nav>
  );
}
