import '../session/installDom.ts';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MemoryRouter,
  Route,
  Routes,
  useLocation,
  useNavigate,
  useParams,
  type NavigateFunction,
} from 'react-router';
import { createStore } from 'zustand/vanilla';
import type { DataspaceStore } from '../../../client/room/dataspaceStore.ts';
import { useThreadAddress } from '../../../client/room/useThreadAddress.ts';

afterEach(cleanup);

/** A dataspace store reduced to what the address follows: the open thread. */
function fakeStore(): DataspaceStore {
  const store = createStore<{ openThreadId: string | null }>()(() => ({ openThreadId: null }));
  const opened: string[] = [];
  return Object.assign(store, {
    opened,
    async openThread(id: string | null) {
      opened.push(String(id));
      store.setState({ openThreadId: id });
    },
  }) as unknown as DataspaceStore;
}

let where = '';
let go: NavigateFunction = () => undefined;
function Room({ ds }: { ds: DataspaceStore }) {
  const { threadId = null } = useParams();
  useThreadAddress(ds, 'ds1', threadId);
  where = useLocation().pathname;
  go = useNavigate();
  return null;
}

function mount(ds: DataspaceStore, at: string) {
  render(
    <MemoryRouter initialEntries={[at]}>
      <Routes>
        <Route path="/d/:dataspaceId" element={<Room ds={ds} />} />
        <Route path="/d/:dataspaceId/t/:threadId" element={<Room ds={ds} />} />
      </Routes>
    </MemoryRouter>,
  );
}

describe('useThreadAddress', () => {
  it('opens the thread of the address, follows the open thread, and moves with back and forward', async () => {
    const ds = fakeStore();
    mount(ds, '/d/ds1');
    // the room opens its first thread by itself: the bare address is replaced
    await act(() => ds.openThread('t1'));
    expect(where).toBe('/d/ds1/t/t1');
    await act(() => ds.openThread('t2'));
    expect(where).toBe('/d/ds1/t/t2');
    await act(() => go(-1));
    expect(where).toBe('/d/ds1/t/t1');
    expect(ds.getState().openThreadId).toBe('t1');
    await act(() => go(1));
    expect(ds.getState().openThreadId).toBe('t2');
    // back from the first thread leaves the room's address history (nothing to bounce on)
    await act(() => go(-1));
    await act(() => go(-1));
    expect(where).toBe('/d/ds1/t/t1');
  });

  it('opens a deep-linked thread', async () => {
    const ds = fakeStore();
    mount(ds, '/d/ds1/t/t9');
    await act(async () => undefined);
    expect(ds.getState().openThreadId).toBe('t9');
    expect(where).toBe('/d/ds1/t/t9');
  });
});
