import { ToggleButton, ToggleButtonGroup, type Key } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { setThemePreference, themeStore, type ThemePreference } from '../design/themeStore.ts';

const CHOICES: readonly ThemePreference[] = ['system', 'light', 'dark'];
const GLYPHS: Record<ThemePreference, string> = { system: '◐', light: '☀', dark: '☾' };

/** System / light / dark, for the DOM and the 3D panels alike. */
export function ThemeSwitch() {
  const { t } = useTranslation();
  const preference = useStore(themeStore, (s) => s.preference);
  return (
    <ToggleButtonGroup
      className="segmented"
      aria-label={t('prefs.theme')}
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={[preference]}
      onSelectionChange={(keys: Set<Key>) => {
        const [next] = [...keys];
        if (next) setThemePreference(next as ThemePreference);
      }}
    >
      {CHOICES.map((c) => (
        <ToggleButton key={c} id={c} className="segmented-item" aria-label={t(`prefs.themes.${c}`)}>
          <span aria-hidden="true">{GLYPHS[c]}</span>
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
