import { Canvas } from '@react-three/fiber';
import { Suspense, lazy, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { DesktopControls, lookState } from '../controls/DesktopControls.tsx';
import { PosePublisher } from '../room/PosePublisher.tsx';
import { RoomScene } from '../room/RoomScene.tsx';
import { RoomFeedContext } from '../room/RoomFeedContext.ts';
import { RoomStoreContext } from '../room/RoomStoreContext.ts';
import { bindRoomFeed } from '../state/bindRoomFeed.ts';
import type { RoomFeed } from '../state/RoomFeed.ts';
import { createRoomStore, type RoomStore } from '../state/roomStore.ts';
import { TouchJoystick } from '../ui/TouchJoystick.tsx';
import { XRButtons } from '../ui/XRButtons.tsx';
import { detectXRSupport, loadXRRuntime } from '../xr/xrLoader.ts';
import { clientStore } from './clientStore.ts';

const XRRoot = lazy(() => loadXRRuntime().then((m) => ({ default: m.XRRoot })));

const isCoarsePointer = () => typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;

/**
 * One spatial room: the canvas, its controls and the overlay, fed by `feed`. `scene` adds 3D content
 * (e.g. XR panels) inside the canvas, `overlay` adds DOM panels over it.
 */
export function App({
  feed,
  scene,
  overlay,
  store: given,
}: {
  feed: RoomFeed;
  scene?: ReactNode;
  overlay?: ReactNode;
  store?: RoomStore;
}) {
  const [own] = useState(createRoomStore);
  const store = given ?? own;
  const xrMounted = useStore(clientStore, (s) => s.xrMounted);
  const notice = useStore(clientStore, (s) => s.notice);
  useEffect(() => bindRoomFeed(feed, store), [feed, store]);
  useEffect(() => void detectXRSupport(), []);
  const onObjectClick = (id: string) => {
    if (lookState.controls?.wasDrag()) return;
    store.select(store.getState().selectedObjectId === id ? null : id);
  };
  return (
    <RoomStoreContext.Provider value={store}>
      <Canvas className="room-canvas" camera={{ fov: 70, near: 0.05, far: 200 }} dpr={[1, 2]}>
        <color attach="background" args={['#dde3ea']} />
        <RoomStoreContext.Provider value={store}>
          <RoomFeedContext.Provider value={feed}>
            <RoomScene onObjectClick={onObjectClick} />
            <DesktopControls />
            <PosePublisher feed={feed} />
            {scene}
            {xrMounted && (
              <Suspense fallback={null}>
                <XRRoot />
              </Suspense>
            )}
          </RoomFeedContext.Provider>
        </RoomStoreContext.Provider>
      </Canvas>
      {overlay}
      <div className="overlay">
        <XRButtons />
        {notice && (
          <p className="notice" role="alert">
            {notice}
          </p>
        )}
      </div>
      {isCoarsePointer() && <TouchJoystick />}
    </RoomStoreContext.Provider>
  );
}
