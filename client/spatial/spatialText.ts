import { PANEL_FONT_FAMILY, panelFontFamilies } from '../fonts/panelFonts.ts';
import { roomColors } from './uikitTheme.ts';

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

/**
 * Colours of the room's panels: the design tokens' roles as uikit signals (uikitTheme.ts), so every
 * panel follows the light or dark theme without re-rendering.
 */
export const INK = roomColors.cardForeground;
export const MUTED = roomColors.mutedForeground;
export const ACCENT = roomColors.primary;
export const ERROR = roomColors.destructive;
export const SURFACE = roomColors.card;
export const SURFACE_ACTIVE = roomColors.accent;
export const BORDER = roomColors.border;
export const AGENT = roomColors.agent;
export const SUCCESS = roomColors.success;
