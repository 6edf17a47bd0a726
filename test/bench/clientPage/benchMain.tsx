import { Canvas, useThree } from '@react-three/fiber';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { Scene, WebGLRenderer } from 'three';
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
import { NaiveThreadScene, NaiveWorkspaceScene, ThreadScene, WorkspaceScene } from './placeScenes.tsx';
import { NaiveUi } from './NaiveUi.tsx';
import { UiRoom } from './UiRoom.tsx';

export interface BenchResult {
  mode: string;
  scene: string;
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
    /** The scene and a frame stepper, for profiling scripts (BENCH_PROFILE). */
    benchProbe?: {
      scene: Scene;
      gl: WebGLRenderer;
      advance: (t: number) => void;
      settle: () => Promise<void>;
    };
  }
}

const params = new URLSearchParams(location.search);
const mode = params.get('mode') === 'naive' ? 'naive' : 'instanced';
/**
 * `room`: avatars and objects; `thread`: a thread's room (500 messages); `workspace`: 50 panels;
 * `ui`: the room as the dataspace with its full UI panels open (UiRoom.tsx, NaiveUi.tsx), seen from
 * the headset's spot.
 */
const scene = params.get('scene') ?? 'room';
/** Where each scene is looked at from (a viewer at the entrance of a place room). */
const VIEWS: Record<string, { from: [number, number, number]; at: [number, number, number] }> = {
  room: { from: [0, 7, 16], at: [0, 1, 0] },
  thread: { from: [0, 1.6, 4.5], at: [0, 1.5, 1.2] },
  workspace: { from: [0, 2.4, 9], at: [0, 2.4, 0.6] },
  // where a headset user stands among the panels, looking at the thread panel
  ui: { from: [0, 1.7, 2.6], at: [0, 1.4, -1.1] },
};
const AVATARS = 100;
const OBJECTS = 1000;
const FRAMES_PER_PATCH = 3; // 20 Hz patches at 60 frames per second
/** How long the scene must draw unchanged before it is measured, and the most waited for that (ms). */
const SETTLE_MS = 2_000;
const SETTLE_MAX_MS = 30_000;

function Driver({ crowd }: { crowd: ReturnType<typeof createCrowdSimulation> }) {
  const { advance, gl, camera, scene: threeScene } = useThree();
  useEffect(() => {
    const view = VIEWS[scene] ?? VIEWS.room!;
    camera.position.set(...view.from);
    camera.lookAt(...view.at);
    /**
     * uikit lays text out once its MSDF font has loaded (asynchronously): frames are drawn until the
     * draw calls and triangles stop changing for SETTLE_MS, so the scene measured is the whole scene.
     */
    const settle = async () => {
      let last = '';
      let stableSince = performance.now();
      const started = performance.now();
      while (performance.now() - started < SETTLE_MAX_MS) {
        advance(performance.now());
        const now = `${gl.info.render.calls}/${gl.info.render.triangles}`;
        if (now !== last) {
          last = now;
          stableSince = performance.now();
        } else if (performance.now() - stableSince > SETTLE_MS) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const context = gl.getContext();
    const pixel = new Uint8Array(4);
    window.benchProbe = { scene: threeScene, gl, advance, settle };
    window.runBench = async (frames) => {
      await settle();
      const times: number[] = [];
      const cpuTimes: number[] = [];
      for (let i = 0; i < frames + 20; i++) {
        if (scene === 'room' && i % FRAMES_PER_PATCH === 0) crowd.step(performance.now());
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
        scene,
        drawCalls: gl.info.render.calls,
        triangles: gl.info.render.triangles,
        medianFrameMs: times[Math.floor(times.length / 2)]!,
        p95FrameMs: times[Math.floor(times.length * 0.95)]!,
        medianCpuMs: cpuTimes[Math.floor(cpuTimes.length / 2)]!,
        frames,
      };
    };
  }, [advance, gl, camera, crowd, threeScene]);
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
        {scene === 'thread' ? (
          mode === 'naive' ? (
            <NaiveThreadScene />
          ) : (
            <ThreadScene />
          )
        ) : scene === 'workspace' ? (
          mode === 'naive' ? (
            <NaiveWorkspaceScene />
          ) : (
            <WorkspaceScene />
          )
        ) : mode === 'naive' ? (
          <NaiveRoom />
        ) : (
          <>
            <AvatarInstances />
            <ObjectInstances />
          </>
        )}
        {scene === 'ui' && (mode === 'naive' ? <NaiveUi /> : <UiRoom />)}
        <Driver crowd={setup.crowd} />
      </Canvas>
    </RoomStoreContext.Provider>
  );
}

window.addEventListener('error', (e) => (window.benchError = String(e.message)));
await loadUiFont();
initI18n({ lng: 'en' });
createRoot(document.getElementById('root')!).render(<Bench />);
