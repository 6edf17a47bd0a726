import { ToggleButton, ToggleButtonGroup, type Key } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { LOCALES, setLocale, type Locale } from '../i18n/i18n.ts';

/** Français / English: switches every string, number and date now, and keeps the choice. */
export function LocaleSwitch() {
  const { t, i18n } = useTranslation();
  const current: Locale = i18n.resolvedLanguage === 'fr' ? 'fr' : 'en';
  return (
    <ToggleButtonGroup
      className="segmented"
      aria-label={t('prefs.language')}
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={[current]}
      onSelectionChange={(keys: Set<Key>) => {
        const [next] = [...keys];
        if (next) void setLocale(next as Locale);
      }}
    >
      {LOCALES.map((l) => (
        <ToggleButton key={l} id={l} className="segmented-item">
          {/* the visible code, and the language's name for assistive tech, in one accessible name */}
          <span aria-hidden="true" lang={l}>
            {l.toUpperCase()}
          </span>
          <span className="visually-hidden">{t(`prefs.locale.${l}`)}</span>
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
