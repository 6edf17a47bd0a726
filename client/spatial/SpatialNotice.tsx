import { useStore } from 'zustand';
import type { SpatialStore } from './spatialStore.ts';

/**
 * Why part of the room is missing (2D, over the canvas): a memory or workspace list the API refused
 * or that failed, worded `code: message`. The room itself stays.
 */
export function SpatialNotice({ spatial }: { spatial: SpatialStore }) {
  const memoryError = useStore(spatial, (s) => s.memoryError);
  const workspacesError = useStore(spatial, (s) => s.workspacesError);
  const panelErrors = useStore(spatial, (s) => s.workspaces.filter((w) => w.error).length);
  if (!memoryError && !workspacesError && panelErrors === 0) return null;
  return (
    <div className="panel spatial-notice" role="alert" aria-label="Room content">
      {memoryError && <p>Memory items: {memoryError}</p>}
      {workspacesError && <p>Workspaces: {workspacesError}</p>}
      {panelErrors > 0 && <p>Panels of {panelErrors} workspace(s) could not be listed.</p>}
    </div>
  );
}
