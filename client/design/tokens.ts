/**
 * THE design tokens of CHE·NU Spatial: colour roles (light and dark), type, spacing and radius. The DOM
 * reads them as CSS variables (`cssVariables.ts`), the 3D panels as the `@react-three/uikit-default`
 * theme (`spatial/uikitTheme.ts`), so a colour or size is changed here and nowhere else.
 *
 * Colour roles follow the uikit default kit's (shadcn) names, so the 3D kit is themed role for role.
 * Every text role meets WCAG AA (4.5:1) on `background`, `card` and `secondary` of its scheme;
 * `primary` and `destructive` meet it against their `…Foreground`.
 */

/** The colour roles of one scheme, as `#rrggbb`. */
export type ColorRoles = {
  /** Page behind everything (2D screens). */
  readonly background: string;
  readonly foreground: string;
  /** Panels, cards and dialogs. */
  readonly card: string;
  readonly cardForeground: string;
  readonly popover: string;
  readonly popoverForeground: string;
  /** The one action a screen is about. */
  readonly primary: string;
  readonly primaryForeground: string;
  /** Other actions, chips and tabs. */
  readonly secondary: string;
  readonly secondaryForeground: string;
  /** Quiet surfaces and secondary text. */
  readonly muted: string;
  readonly mutedForeground: string;
  /** Hover and selection highlight. */
  readonly accent: string;
  readonly accentForeground: string;
  readonly destructive: string;
  readonly destructiveForeground: string;
  readonly success: string;
  readonly warning: string;
  /** Background of a warning or notice. */
  readonly warningSurface: string;
  readonly border: string;
  /** Borders of fields (3:1 against their background). */
  readonly input: string;
  /** Keyboard focus ring. */
  readonly ring: string;
  /** Clear colour of the 3D room behind the HUD. */
  readonly room: string;
  /** The room's floor and its grid lines (every metre, and the centre lines). */
  readonly floor: string;
  readonly floorGrid: string;
  readonly floorAxis: string;
  /** Agents' words in threads. */
  readonly agent: string;
};

export const COLOR_SCHEMES = ['light', 'dark'] as const;
export type ColorScheme = (typeof COLOR_SCHEMES)[number];

export const colors: Readonly<Record<ColorScheme, ColorRoles>> = {
  light: {
    background: '#f4f6fa',
    foreground: '#17202e',
    card: '#ffffff',
    cardForeground: '#17202e',
    popover: '#ffffff',
    popoverForeground: '#17202e',
    primary: '#2456c7',
    primaryForeground: '#ffffff',
    secondary: '#e9eef5',
    secondaryForeground: '#17202e',
    muted: '#eef1f6',
    mutedForeground: '#4b5567',
    accent: '#dce7fb',
    accentForeground: '#12336e',
    destructive: '#b42318',
    destructiveForeground: '#ffffff',
    success: '#0d7040',
    warning: '#7a4f00',
    warningSurface: '#fff4d6',
    border: '#d3dae5',
    input: '#8593a8',
    ring: '#2456c7',
    room: '#dde3ea',
    floor: '#e9edf2',
    floorGrid: '#c5ccd8',
    floorAxis: '#8a94a6',
    agent: '#5b3fb0',
  },
  dark: {
    background: '#0f141c',
    foreground: '#e8edf4',
    card: '#18202b',
    cardForeground: '#e8edf4',
    popover: '#1d2633',
    popoverForeground: '#e8edf4',
    primary: '#8db3ff',
    primaryForeground: '#0b1630',
    secondary: '#243040',
    secondaryForeground: '#e8edf4',
    muted: '#1f2834',
    mutedForeground: '#aab5c5',
    accent: '#23395e',
    accentForeground: '#dce7fb',
    destructive: '#ff9b8c',
    destructiveForeground: '#2a0905',
    success: '#6ad69a',
    warning: '#f3c15b',
    warningSurface: '#3a2e12',
    border: '#2f3b4c',
    input: '#6d7d93',
    ring: '#8db3ff',
    room: '#1c232d',
    floor: '#2a3340',
    floorGrid: '#3a4556',
    floorAxis: '#5a677a',
    agent: '#c6b4ff',
  },
};

/** The UI typeface, shipped in assets/fonts (woff2 for the DOM, MSDF atlases for 3D). */
export const fontFamily = "Inter, system-ui, -apple-system, 'Segoe UI', sans-serif";

/** Type scale of the DOM, in CSS pixels. */
export const fontSizes = { xs: 12, sm: 13, md: 14, lg: 16, xl: 20, xxl: 28 } as const;
export const fontWeights = { regular: 400, semibold: 600 } as const;
export const lineHeight = 1.45;

/**
 * Type scale of the 3D panels, in uikit pixels (1 px = `PX` metres, spatial/spatialText.ts): a `sign`
 * is readable from the room's entrance (about 12 screen pixels tall at 6 m on a 720-pixel view), a
 * `body` line from a couple of steps away.
 */
export const spatialFontSizes = { caption: 20, body: 24, title: 36, heading: 48, sign: 110 } as const;

/** Spacing steps, in CSS pixels (uikit pixels in 3D). */
export const space = { 0: 0, 1: 4, 2: 8, 3: 12, 4: 16, 5: 24, 6: 32, 7: 48 } as const;

/** Corner radii, in CSS pixels (uikit pixels in 3D). */
export const radii = { sm: 6, md: 10, lg: 14, pill: 999 } as const;

/** Widths of the HUD's docks, in CSS pixels: the room's centre stays clear between them. */
export const hud = { dockWidth: 380, dockMaxShare: 0.32, barHeight: 52 } as const;
