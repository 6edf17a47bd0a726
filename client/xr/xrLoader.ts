import { clientStore, type XRMode } from '../app/clientStore.ts';
import { toUiError } from '../i18n/uiError.ts';

// type-only: the module itself is fetched by the dynamic import below
import type * as XRRuntimeModule from './xrRuntime.tsx';

type XRRuntime = typeof XRRuntimeModule;

let runtime: Promise<XRRuntime> | null = null;
/** The XR chunk once loaded (exitXR must act in the same task, before a canvas is torn down). */
let loaded: XRRuntime | null = null;

/** Loads the XR chunk (@react-three/xr and its store) once; desktop sessions never fetch it. */
export function loadXRRuntime(): Promise<XRRuntime> {
  runtime ??= import('./xrRuntime.tsx').then((m) => (loaded = m));
  return runtime;
}

/**
 * Asks the browser which immersive modes it offers, without loading the XR chunk, and why a mode is
 * not offered: no WebXR in this browser, a page that is not a secure context (WebXR needs HTTPS or
 * localhost), or no headset / AR support behind it.
 */
export async function detectXRSupport(): Promise<void> {
  const xr = typeof navigator === 'undefined' ? undefined : navigator.xr;
  if (typeof isSecureContext === 'boolean' && !isSecureContext) {
    return clientStore.setState({ xrReason: { 'immersive-vr': 'insecure', 'immersive-ar': 'insecure' } });
  }
  if (!xr)
    return clientStore.setState({ xrReason: { 'immersive-vr': 'no-webxr', 'immersive-ar': 'no-webxr' } });
  const [vr, ar] = await Promise.all([
    xr.isSessionSupported('immersive-vr').catch(() => false),
    xr.isSessionSupported('immersive-ar').catch(() => false),
  ]);
  clientStore.setState({
    xrSupport: { 'immersive-vr': vr, 'immersive-ar': ar },
    xrReason: { 'immersive-vr': vr ? null : 'no-device', 'immersive-ar': ar ? null : 'no-ar' },
  });
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
    console.warn(`CHENU client: could not enter ${mode}`, error);
    clientStore.setState({
      xrStatus: 'idle',
      notice: {
        ...toUiError(error),
        code: mode === 'immersive-vr' ? 'xr.enter_vr_failed' : 'xr.enter_ar_failed',
      },
    });
  }
}

/**
 * Ends the immersive session, if one runs (the XR chunk is loaded only once XR was entered), at once:
 * the room leaving the page (removed, kicked, navigated away) calls it, since a session left running
 * would keep presenting frames from a canvas that is gone.
 */
export function exitXR(): void {
  const session = loaded?.xrStore.getState().session;
  session?.end().catch(() => undefined);
}
