import {
  colors,
  fontFamily,
  fontSizes,
  fontWeights,
  hud,
  lineHeight,
  radii,
  space,
  type ColorRoles,
  type ColorScheme,
} from './tokens.ts';

/** `primaryForeground` → `primary-foreground`. */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The CSS custom properties of one scheme, generated from the tokens: `--color-<role>`, `--space-<n>`,
 * `--radius-<name>`, `--font-size-<name>`, `--font-weight-<name>`, `--font-family`, `--line-height`,
 * `--hud-*`. Stylesheets read only these.
 */
export function cssVariables(scheme: ColorScheme): Record<string, string> {
  const vars: Record<string, string> = {
    '--font-family': fontFamily,
    '--line-height': String(lineHeight),
    '--hud-dock-width': `${hud.dockWidth}px`,
    '--hud-dock-max-share': `${hud.dockMaxShare * 100}vw`,
    '--hud-bar-height': `${hud.barHeight}px`,
  };
  const roles = colors[scheme];
  for (const role of Object.keys(roles) as (keyof ColorRoles)[]) vars[`--color-${kebab(role)}`] = roles[role];
  for (const [step, px] of Object.entries(space)) vars[`--space-${step}`] = `${px}px`;
  for (const [name, px] of Object.entries(radii)) vars[`--radius-${name}`] = `${px}px`;
  for (const [name, px] of Object.entries(fontSizes)) vars[`--font-size-${name}`] = `${px}px`;
  for (const [name, weight] of Object.entries(fontWeights)) vars[`--font-weight-${name}`] = String(weight);
  return vars;
}

/** Writes a scheme's variables on `root` (the document element) and names the scheme for CSS. */
export function applyCssVariables(root: HTMLElement, scheme: ColorScheme): void {
  for (const [name, value] of Object.entries(cssVariables(scheme))) root.style.setProperty(name, value);
  root.dataset.theme = scheme;
  root.style.colorScheme = scheme;
}
