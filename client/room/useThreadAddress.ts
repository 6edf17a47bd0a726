import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { paths } from '../app/routes.ts';
import type { DataspaceStore } from './dataspaceStore.ts';

/**
 * Keeps the open thread and the address together, both ways: a link, Back or Forward
 * (`/d/<ds>/t/<thread>`) opens that thread; opening one in the dock or the room pushes its address.
 * The thread a room opens by itself replaces the bare dataspace address, so Back does not land on
 * it and bounce forward again.
 */
export function useThreadAddress(ds: DataspaceStore, dataspaceId: string, threadId: string | null): void {
  const navigate = useNavigate();
  // address → open thread
  useEffect(() => {
    if (threadId && ds.getState().openThreadId !== threadId) void ds.openThread(threadId);
  }, [ds, threadId]);
  // open thread → address
  useEffect(
    () =>
      ds.subscribe((s, prev) => {
        if (s.openThreadId && s.openThreadId !== prev.openThreadId && s.openThreadId !== threadId) {
          void navigate(paths.thread(dataspaceId, s.openThreadId), { replace: prev.openThreadId === null });
        }
      }),
    [ds, navigate, dataspaceId, threadId],
  );
}
