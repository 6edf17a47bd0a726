import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; `.ci/run` installs it when missing. CHENU_CHROMIUM overrides the path. */
export const CHROMIUM_PATH = process.env.CHENU_CHROMIUM ?? '/usr/bin/chromium';

/** WebGL through SwiftShader (no GPU here); no background traffic, so runs stay on loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Chromium's fake microphone (a beep once a second), granted without a prompt, and audio that plays unasked. */
export const FAKE_MEDIA_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * Launches headless Chromium. `webxrEmulation` turns the native WebXR runtime off so an injected IWER
 * installs its own (it refuses to replace a native `navigator.xr`); `fakeMedia` gives it a fake
 * microphone (FAKE_MEDIA_ARGS).
 */
export async function launchChromium(
  options: { webxrEmulation?: boolean; fakeMedia?: boolean } = {},
): Promise<Browser> {
  if (!hasChromium()) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` or set CHENU_CHROMIUM.`,
    );
  }
  const args = [...CHROMIUM_ARGS];
  if (options.webxrEmulation) args.push('--disable-features=WebXR');
  if (options.fakeMedia) args.push(...FAKE_MEDIA_ARGS);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}
