import { Canvas } from '@react-three/fiber';
import { Suspense, lazy, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { DesktopControls, lookState } from '../controls/DesktopControls.tsx';
import { colors } from '../design/tokens.ts';
import { themeStore } from '../design/themeStore.ts';
import { ModePublisher } from '../room/ModePublisher.tsx';
import { PosePublisher } from '../room/PosePublisher.tsx';
import { RoomScene } from '../room/RoomScene.tsx';
import { RoomFeedContext } from '../room/RoomFeedContext.ts';
import { RoomStoreContext } from '../room/RoomStoreContext.ts';
import { bindRoomFeed } from '../state/bindRoomFeed.ts';
import type { RoomFeed } from '../state/RoomFeed.ts';
import { createRoomStore, type RoomStore } from '../state/roomStore.ts';
import { TouchJoystick } from '../ui/TouchJoystick.tsx';
import { XRButtons } from '../ui/XRButtons.tsx';
import { NoticeToast } from '../ui/NoticeToast.tsx';
import { detectXRSupport, exitXR, loadXRRuntime } from '../xr/xrLoader.ts';
import { clientStore } from './clientStore.ts';
import { installThreeConsole } from './threeConsole.ts';

installThreeConsole();

const XRRoot = lazy(() => loadXRRuntime().then((m) => ({ default: m.XRRoot })));

const isCoarsePointer = () => typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;

/**
 * One spatial room: the canvas, its controls and the HUD, fed by `feed`. `scene` adds 3D content
 * (the dataspace's room, XR panels) inside the canvas; `hud` is the DOM over it (without one, as in
 * the demo room, the Enter VR / AR buttons alone). The room's clear colour follows the theme.
 */
export function App({
  feed,
  scene,
  hud,
  store: given,
}: {
  feed: RoomFeed;
  scene?: ReactNode;
  hud?: ReactNode;
  store?: RoomStore;
}) {
  const [own] = useState(createRoomStore);
  const store = given ?? own;
  const xrMounted = useStore(clientStore, (s) => s.xrMounted);
  const scheme = useStore(themeStore, (s) => s.scheme);
  useEffect(() => bindRoomFeed(feed, store), [feed, store]);
  useEffect(() => void detectXRSupport(), []);
  // the canvas going away ends the immersive session it presents (else the headset shows a dead frame)
  useEffect(() => exitXR, []);
  const onObjectClick = (id: string) => {
    if (lookState.controls?.wasDrag()) return;
    store.select(store.getState().selectedObjectId === id ? null : id);
  };
  return (
    <RoomStoreContext.Provider value={store}>
      <Canvas className="room-canvas" camera={{ fov: 70, near: 0.05, far: 200 }} dpr={[1, 2]}>
        <color attach="background" args={[colors[scheme].room]} />
        <RoomStoreContext.Provider value={store}>
          <RoomFeedContext.Provider value={feed}>
            <RoomScene onObjectClick={onObjectClick} />
            <DesktopControls />
            <PosePublisher feed={feed} />
            <ModePublisher feed={feed} />
            {scene}
            {xrMounted && (
              <Suspense fallback={null}>
                <XRRoot />
              </Suspense>
            )}
          </RoomFeedContext.Provider>
        </RoomStoreContext.Provider>
      </Canvas>
      {hud ?? (
        <div className="overlay">
          <XRButtons />
        </div>
      )}
      <NoticeToast />
      {isCoarsePointer() && <TouchJoystick />}
    </RoomStoreContext.Provider>
  );
}
