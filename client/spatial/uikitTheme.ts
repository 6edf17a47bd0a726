import { basedOnPreferredColorScheme, setPreferredColorScheme } from '@react-three/uikit';
import { setTheme } from '@react-three/uikit-default';
import { colors, radii, type ColorRoles } from '../design/tokens.ts';
import { themeStore } from '../design/themeStore.ts';

/** The roles the uikit default kit (shadcn) names; ours carry the same names. */
const KIT_ROLES = [
  'background',
  'foreground',
  'card',
  'cardForeground',
  'popover',
  'popoverForeground',
  'primary',
  'primaryForeground',
  'secondary',
  'secondaryForeground',
  'muted',
  'mutedForeground',
  'accent',
  'accentForeground',
  'destructive',
  'destructiveForeground',
  'border',
  'input',
  'ring',
] as const satisfies readonly (keyof ColorRoles)[];

/** The default kit's theme (the package does not export the type by name). */
type Theme = Parameters<typeof setTheme>[0];

function kitColors(roles: ColorRoles) {
  return Object.fromEntries(KIT_ROLES.map((r) => [r, roles[r]])) as Record<
    (typeof KIT_ROLES)[number],
    string
  >;
}

/**
 * The default kit's theme from the design tokens: the same colour roles in light and dark, and the
 * tokens' medium radius. (The kit types `radius` as its own default literal, 8; any number works.)
 */
export function uikitTheme(): Theme {
  return { ...kitColors(colors.light), radius: radii.md, dark: kitColors(colors.dark) } as unknown as Theme;
}

/**
 * Every colour role as a uikit signal that follows the scheme in force: the room's own panels read
 * these (`color={roomColors.foreground}`), so they change with the theme without re-rendering.
 */
export const roomColors = basedOnPreferredColorScheme<ColorRoles>({ light: colors.light, dark: colors.dark });

let attached = false;

/**
 * Themes the 3D panels from the tokens once, and keeps uikit's colour scheme on the app's (the
 * theme store's scheme, not only the system's). Called by the room chunk when it loads.
 */
export function attachUikitTheme(): void {
  if (attached) return;
  attached = true;
  setTheme(uikitTheme());
  setPreferredColorScheme(themeStore.getState().scheme);
  themeStore.subscribe((s) => setPreferredColorScheme(s.scheme));
}
