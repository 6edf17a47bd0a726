import { useTranslation } from 'react-i18next';
import { SelectField } from '../ui/SelectField.tsx';
import { useSession, useSessionStore } from './SessionContext.ts';

/** The active identity; switching refreshes the session so the token names the new identity. */
export function IdentitySwitcher() {
  const { t } = useTranslation();
  const session = useSessionStore();
  const identities = useSession((s) => s.identities);
  const active = useSession((s) => s.activeIdentityId);
  const busy = useSession((s) => s.busy);
  return (
    <SelectField
      className="identity-switcher"
      label={t('identity.label')}
      hideLabel
      options={identities.map((i) => ({ id: i.id, label: i.name }))}
      value={active}
      isDisabled={busy || identities.length < 2}
      onChange={(id) => id !== active && void session.switchIdentity(id)}
    />
  );
}
