import { LocaleSwitch } from './LocaleSwitch.tsx';
import { ThemeSwitch } from './ThemeSwitch.tsx';

/** Language and theme, in the corner of the screens without a header (sign-in, sign-up, join). */
export function PreferencesBar() {
  return (
    <div className="preferences-bar">
      <LocaleSwitch />
      <ThemeSwitch />
    </div>
  );
}
