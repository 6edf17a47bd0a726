import { createStore } from 'zustand/vanilla';
import { createLocomotion } from '../controls/locomotion.ts';
import type { UiError } from '../i18n/uiError.ts';

export type XRMode = 'immersive-vr' | 'immersive-ar';

/** Why an immersive mode is not offered (shown beside its disabled button). */
export type XRUnavailableReason = 'checking' | 'insecure' | 'no-webxr' | 'no-device' | 'no-ar';

export interface ClientState {
  /** What the browser offers. */
  readonly xrSupport: Readonly<Record<XRMode, boolean>>;
  /** Why each mode is not offered (null when it is). */
  readonly xrReason: Readonly<Record<XRMode, XRUnavailableReason | null>>;
  /** 'loading' while the XR chunk downloads and the session starts. */
  readonly xrStatus: 'idle' | 'loading' | XRMode;
  /** True once the XR chunk is loaded and mounted into the canvas. */
  readonly xrMounted: boolean;
  /** Last refusal or failure shown to the user (translated from its code). */
  readonly notice: UiError | null;
}

/** App-level UI state (not per frame). */
export const clientStore = createStore<ClientState>()(() => ({
  xrSupport: { 'immersive-vr': false, 'immersive-ar': false },
  xrReason: { 'immersive-vr': 'checking', 'immersive-ar': 'checking' },
  xrStatus: 'idle',
  xrMounted: false,
  notice: null,
}));

/** The local participant's walk state, shared by desktop, mobile and XR locomotion. */
export const locomotion = createLocomotion();
