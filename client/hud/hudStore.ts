import { createStore } from 'zustand/vanilla';

/** The dock's tabs, in order. */
export const DOCK_TABS = [
  'thread',
  'people',
  'voice',
  'meetings',
  'workspaces',
  'memory',
  'activity',
] as const;
export type DockTab = (typeof DOCK_TABS)[number];

export interface HudState {
  /** The dock is open (else a narrow rail of tab buttons). */
  readonly dockOpen: boolean;
  readonly tab: DockTab;
  /** The controls hint card is showing (first visit, or asked for with the help button). */
  readonly hint: boolean;
}

const KEYS = { dock: 'chenu.hud.dock', hintSeen: 'chenu.hud.hintSeen' } as const;

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
function write(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // kept for this visit only
  }
}

/**
 * The room HUD's own state (not the room's data): which dock tab is showing, whether the dock is
 * open, and the first-visit hint card. The dock's open state and "hint seen" are kept between visits.
 * Shared by the 2D HUD and the 3D panels.
 */
export const hudStore = createStore<HudState>()(() => ({
  dockOpen: read(KEYS.dock) !== 'closed',
  tab: 'thread',
  hint: read(KEYS.hintSeen) !== 'yes',
}));

export function showTab(tab: DockTab): void {
  hudStore.setState({ tab, dockOpen: true });
  write(KEYS.dock, 'open');
}

export function setDockOpen(open: boolean): void {
  hudStore.setState({ dockOpen: open });
  write(KEYS.dock, open ? 'open' : 'closed');
}

export function dismissHint(): void {
  hudStore.setState({ hint: false });
  write(KEYS.hintSeen, 'yes');
}

export function showHint(): void {
  hudStore.setState({ hint: true });
}
