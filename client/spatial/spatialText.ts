import { PANEL_FONT_FAMILY, panelFontFamilies } from '../fonts/panelFonts.ts';

/** Metres per uikit pixel of the room's panels (the XR thread panel's scale). */
export const PX = 0.0015;

/** Metres → uikit pixels. */
export const px = (metres: number) => Math.round(metres / PX);

let families: ReturnType<typeof panelFontFamilies> | null = null;

/**
 * The uikit props every root panel of the room carries: Inter MSDF from the app's assets (Latin-1:
 * French content), resolved against the page on first use, so nothing comes from a CDN.
 */
export function panelFontProps() {
  families ??= panelFontFamilies();
  return { fontFamilies: families, fontFamily: PANEL_FONT_FAMILY, pixelSize: PX } as const;
}

/** Colours of the room's panels. */
export const INK = '#1d2433';
export const MUTED = '#5b6577';
export const ACCENT = '#4f8cff';
export const ERROR = '#b3261e';
