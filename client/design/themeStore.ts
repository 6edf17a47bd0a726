import { createStore } from 'zustand/vanilla';
import { applyCssVariables } from './cssVariables.ts';
import type { ColorScheme } from './tokens.ts';

/** What the person chose: a scheme, or the system's. */
export type ThemePreference = ColorScheme | 'system';

export interface ThemeState {
  readonly preference: ThemePreference;
  /** The scheme in force (the system's when the preference is 'system'). */
  readonly scheme: ColorScheme;
}

const STORAGE_KEY = 'chenu.theme';

function systemScheme(): ColorScheme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light';
}

function storedPreference(): ThemePreference {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' || value === 'system' ? value : 'system';
  } catch {
    return 'system'; // storage refused (privacy mode): the system's scheme
  }
}

const resolve = (preference: ThemePreference): ColorScheme =>
  preference === 'system' ? systemScheme() : preference;

/** The colour scheme of the DOM and of the 3D panels (which subscribe: spatial/useUikitTheme). */
export const themeStore = createStore<ThemeState>()(() => {
  const preference = storedPreference();
  return { preference, scheme: resolve(preference) };
});

/** Chooses a scheme (or the system's) and keeps the choice for the next visit. */
export function setThemePreference(preference: ThemePreference): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, preference);
  } catch {
    // not kept across visits; still applied now
  }
  themeStore.setState({ preference, scheme: resolve(preference) });
}

/**
 * Applies the scheme to the document now and on every change (a choice, or the system's scheme
 * changing while the preference is 'system'). Returns a disposer.
 */
export function attachTheme(root: HTMLElement): () => void {
  applyCssVariables(root, themeStore.getState().scheme);
  const off = themeStore.subscribe((s, prev) => {
    if (s.scheme !== prev.scheme) applyCssVariables(root, s.scheme);
  });
  const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const onSystem = () => {
    const { preference } = themeStore.getState();
    if (preference === 'system') themeStore.setState({ scheme: resolve('system') });
  };
  media?.addEventListener('change', onSystem);
  return () => {
    off();
    media?.removeEventListener('change', onSystem);
  };
}
