import { createStore } from 'zustand/vanilla';
import { createLocomotion } from '../controls/locomotion.ts';

export type XRMode = 'immersive-vr' | 'immersive-ar';

export interface ClientState {
  /** What the browser offers; buttons show only for supported modes. */
  readonly xrSupport: Readonly<Record<XRMode, boolean>>;
  /** 'loading' while the XR chunk downloads and the session starts. */
  readonly xrStatus: 'idle' | 'loading' | XRMode;
  /** True once the XR chunk is loaded and mounted into the canvas. */
  readonly xrMounted: boolean;
  /** Last refusal or failure shown to the user, with its reason. */
  readonly notice: string | null;
}

/** App-level UI state (not per frame). */
export const clientStore = createStore<ClientState>()(() => ({
  xrSupport: { 'immersive-vr': false, 'immersive-ar': false },
  xrStatus: 'idle',
  xrMounted: false,
  notice: null,
}));

/** The local participant's walk state, shared by desktop, mobile and XR locomotion. */
export const locomotion = createLocomotion();
