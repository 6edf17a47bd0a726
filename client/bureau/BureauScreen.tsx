import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppHeader } from '../app/AppHeader.tsx';
import { useBrowser } from '../home/BrowserContext.ts';
import { useSession, useSessionStore } from '../session/SessionContext.ts';
import { SelectField } from '../ui/SelectField.tsx';
import { BureauView } from './BureauView.tsx';
import { createBureauStore } from './bureauStore.ts';

/** `/bureau`: the active identity's bureau in one of its spheres. */
export function BureauScreen() {
  const { t } = useTranslation();
  const session = useSessionStore();
  const identityId = useSession((s) => s.activeIdentityId);
  const spheres = useBrowser((s) => s.spheres);
  const current = useBrowser((s) => s.sphereId);
  const [bureau] = useState(() => createBureauStore(session.api));
  const [sphereId, setSphereId] = useState<string | null>(current);
  const chosen = spheres.find((s) => s.id === sphereId)?.id ?? spheres[0]?.id ?? null;
  useEffect(() => {
    if (chosen) void bureau.load(chosen);
  }, [bureau, chosen, identityId]);
  return (
    <div className="screen">
      <AppHeader />
      <main className="page" aria-labelledby="bureau-title">
        <div className="page-head">
          <h1 id="bureau-title">{t('bureau.title')}</h1>
          <SelectField
            label={t('bureau.sphere')}
            options={spheres.map((s) => ({ id: s.id, label: s.name }))}
            value={chosen}
            onChange={setSphereId}
          />
        </div>
        <p className="muted">{t('bureau.intro')}</p>
        <BureauView bureau={bureau} />
      </main>
    </div>
  );
}
