/**
 * The developer flag `?xr-emulator`: installs IWER's emulated Meta Quest 3 as the page's WebXR runtime
 * (replacing the browser's own, if any) before XR support is detected, so a desktop browser can try
 * Enter VR / Enter AR and the XR UI. IWER is its own lazy chunk: a page without the flag never loads it.
 */
export const XR_EMULATOR_PARAM = 'xr-emulator';

export function wantsXREmulator(search: string): boolean {
  return new URLSearchParams(search).has(XR_EMULATOR_PARAM);
}

/** Loads IWER and installs the emulated headset; the device is `window.iwerDevice` for the console. */
export async function installXREmulator(): Promise<void> {
  const { XRDevice, metaQuest3 } = await import('iwer');
  const device = new XRDevice(metaQuest3);
  device.installRuntime({ forceInstall: true });
  Object.assign(globalThis, { iwerDevice: device });
}
