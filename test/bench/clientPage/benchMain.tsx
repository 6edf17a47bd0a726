import { Canvas, useThree } from '@react-three/fiber';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { AvatarInstances } from '../../../client/avatars/AvatarInstances.tsx';
import { loadUiFont } from '../../../client/app/loadUiFont.ts';
import { ObjectInstances } from '../../../client/objects/ObjectInstances.tsx';
import { RoomStoreContext } from '../../../client/room/RoomStoreContext.ts';
import { RoomEnvironment } from '../../../client/scene/RoomEnvironment.tsx';
import { bindRoomFeed } from '../../../client/state/bindRoomFeed.ts';
import { createLocalRoomFeed } from '../../../client/state/createLocalRoomFeed.ts';
import { createCrowdSimulation } from '../../../client/state/crowdSimulation.ts';
import { createRoomStore } from '../../../client/state/roomStore.ts';
import { initI18n } from '../../../client/i18n/i18n.ts';
import { NaiveRoom } from './NaiveRoom.tsx';
import { NaiveUi } from './NaiveUi.tsx';
import { UiRoom } from './UiRoom.tsx';

export interface BenchResult {
  mode: string;
  drawCalls: number;
  triangles: number;
  medianFrameMs: number;
  p95FrameMs: number;
  /** Frame's main-thread work (updates, culling, GL command submission) without waiting for the GPU. */
  medianCpuMs: number;
  frames: number;
}

declare global {
  interface Window {
    runBench?: (frames: number) => Promise<BenchResult>;
    benchError?: string;
  }
}

/**
 * `instanced` / `naive`: the room's avatars and objects; `ui` / `ui-naive`: the same room as the
 * dataspace with its full UI panels open (UiRoom.tsx, NaiveUi.tsx), seen from the headset's spot.
 */
const MODES = ['instanced', 'naive', 'ui', 'ui-naive'] as const;
const asked = new URLSearchParams(location.search).get('mode');
const mode = MODES.find((m) => m === asked) ?? 'instanced';
const naive = mode === 'naive' || mode === 'ui-naive';
const ui = mode === 'ui' || mode === 'ui-naive';
const AVATARS = 100;
const OBJECTS = 1000;
const FRAMES_PER_PATCH = 3; // 20 Hz patches at 60 frames per second

function Driver({ crowd }: { crowd: ReturnType<typeof createCrowdSimulation> }) {
  const { advance, gl, camera } = useThree();
  useEffect(() => {
    if (ui) {
      // where a headset user stands among the panels, looking at the thread panel
      camera.position.set(0, 1.7, 2.6);
      camera.lookAt(0, 1.4, -1.1);
    } else {
      camera.position.set(0, 7, 16);
      camera.lookAt(0, 1, 0);
    }
    const context = gl.getContext();
    const pixel = new Uint8Array(4);
    window.runBench = async (frames) => {
      const times: number[] = [];
      const cpuTimes: number[] = [];
      for (let i = 0; i < frames + 20; i++) {
        if (i % FRAMES_PER_PATCH === 0) crowd.step(performance.now());
        const start = performance.now();
        advance(start);
        const submitted = performance.now();
        // reading a pixel waits for the GPU process, so the frame's rendering work is in the time
        context.readPixels(0, 0, 1, 1, context.RGBA, context.UNSIGNED_BYTE, pixel);
        if (i >= 20) {
          times.push(performance.now() - start);
          cpuTimes.push(submitted - start);
        }
      }
      times.sort((a, b) => a - b);
      cpuTimes.sort((a, b) => a - b);
      return {
        mode,
        drawCalls: gl.info.render.calls,
        triangles: gl.info.render.triangles,
        medianFrameMs: times[Math.floor(times.length / 2)]!,
        p95FrameMs: times[Math.floor(times.length * 0.95)]!,
        medianCpuMs: cpuTimes[Math.floor(cpuTimes.length / 2)]!,
        frames,
      };
    };
  }, [advance, gl, camera, crowd]);
  return null;
}

function Bench() {
  const [setup] = useState(() => {
    const feed = createLocalRoomFeed('bench-self');
    const store = createRoomStore();
    bindRoomFeed(feed, store);
    const crowd = createCrowdSimulation(feed, { avatars: AVATARS, objects: OBJECTS, seed: 2026 });
    return { store, crowd };
  });
  return (
    <RoomStoreContext.Provider value={setup.store}>
      <Canvas frameloop="never" dpr={1} camera={{ fov: 70, near: 0.05, far: 200 }}>
        <color attach="background" args={['#dde3ea']} />
        <RoomEnvironment />
        {naive ? (
          <NaiveRoom />
        ) : (
          <>
            <AvatarInstances />
            <ObjectInstances />
          </>
        )}
        {mode === 'ui' && <UiRoom />}
        {mode === 'ui-naive' && <NaiveUi />}
        <Driver crowd={setup.crowd} />
      </Canvas>
    </RoomStoreContext.Provider>
  );
}

window.addEventListener('error', (e) => (window.benchError = String(e.message)));
await loadUiFont();
if (ui) initI18n({ lng: 'fr' });
createRoot(document.getElementById('root')!).render(<Bench />);
