import i18next, { type i18n as I18n } from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { fr } from './fr.ts';

/** The languages of the UI; French for French-speaking locales, English for every other. */
export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Where a chosen language is kept between visits. */
export const LOCALE_STORAGE_KEY = 'chenu.locale';

/** The language in force, as one of LOCALES (i18next resolves fr-CA to fr). */
export function currentLocale(i18n: I18n = i18next): Locale {
  return i18n.resolvedLanguage === 'fr' ? 'fr' : 'en';
}

/**
 * Initialises the app's i18next once, synchronously (the dictionaries are bundled: nothing is
 * fetched): the language from the kept choice, else the browser's (`fr-*` → French, anything else →
 * English). A key missing from a dictionary is a bug, reported on the console, which the end-to-end
 * suites treat as a failure. Keeps `<html lang>` on the language in force.
 */
export function initI18n(options: { lng?: Locale } = {}): I18n {
  if (i18next.isInitialized) {
    if (options.lng && i18next.language !== options.lng) void i18next.changeLanguage(options.lng);
    return i18next;
  }
  void i18next
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources: { fr: { translation: fr }, en: { translation: en } },
      ...(options.lng ? { lng: options.lng } : {}),
      supportedLngs: [...LOCALES],
      nonExplicitSupportedLngs: true,
      load: 'languageOnly',
      fallbackLng: 'en',
      initAsync: false,
      interpolation: { escapeValue: false },
      // the dictionaries are bundled and ready at once: nothing may suspend (and blank) the room
      react: { useSuspense: false },
      returnNull: false,
      saveMissing: true,
      missingKeyHandler: (lngs, _ns, key) =>
        console.error(`CHENU i18n: missing key "${key}" for ${lngs.join(', ')}`),
      detection: {
        order: ['localStorage', 'navigator'],
        lookupLocalStorage: LOCALE_STORAGE_KEY,
        caches: ['localStorage'],
      },
    });
  const syncLang = () => {
    if (typeof document !== 'undefined') document.documentElement.lang = currentLocale();
  };
  syncLang();
  i18next.on('languageChanged', syncLang);
  return i18next;
}

/** Switches the language now and keeps the choice (the detector caches it). */
export function setLocale(locale: Locale): Promise<unknown> {
  return i18next.changeLanguage(locale);
}
