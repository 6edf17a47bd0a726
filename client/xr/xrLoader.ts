import { clientStore, type XRMode } from '../app/clientStore.ts';

// type-only: the module itself is fetched by the dynamic import below
import type * as XRRuntimeModule from './xrRuntime.tsx';

type XRRuntime = typeof XRRuntimeModule;

let runtime: Promise<XRRuntime> | null = null;

/** Loads the XR chunk (@react-three/xr and its store) once; desktop sessions never fetch it. */
export function loadXRRuntime(): Promise<XRRuntime> {
  runtime ??= import('./xrRuntime.tsx');
  return runtime;
}

/** Asks the browser which immersive modes it offers, without loading the XR chunk. */
export async function detectXRSupport(): Promise<void> {
  const xr = typeof navigator === 'undefined' ? undefined : navigator.xr;
  if (!xr) return;
  const [vr, ar] = await Promise.all([
    xr.isSessionSupported('immersive-vr').catch(() => false),
    xr.isSessionSupported('immersive-ar').catch(() => false),
  ]);
  clientStore.setState({ xrSupport: { 'immersive-vr': vr, 'immersive-ar': ar } });
}

/**
 * Loads the XR chunk, mounts it into the canvas and starts the session. Called from a click, within
 * the browser's user-activation window (the chunk is local and small enough).
 */
export async function enterXR(mode: XRMode): Promise<void> {
  clientStore.setState({ xrStatus: 'loading', notice: null });
  try {
    const xr = await loadXRRuntime();
    clientStore.setState({ xrMounted: true });
    await xr.whenConnected();
    await (mode === 'immersive-vr' ? xr.xrStore.enterVR() : xr.xrStore.enterAR());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    clientStore.setState({
      xrStatus: 'idle',
      notice: `Could not enter ${mode === 'immersive-vr' ? 'VR' : 'AR'}: ${reason}`,
    });
  }
}
