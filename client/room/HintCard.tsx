import { useTranslation } from 'react-i18next';
import { dismissHint } from '../hud/hudStore.ts';
import { Button } from '../ui/Button.tsx';

const GROUPS = ['desktop', 'mobile', 'xr'] as const;
const LINES = {
  desktop: ['walk', 'look', 'select', 'move'],
  mobile: ['walk', 'look', 'select'],
  xr: ['walk', 'turn', 'teleport', 'grab', 'anchor'],
} as const;

/**
 * The controls, shown on a first visit (and from the "?" button): desktop keys and mouse, touch,
 * and headset controllers. In a corner, away from the room's centre; dismissed for good.
 */
export function HintCard() {
  const { t } = useTranslation();
  return (
    <section className="hint-card card" role="dialog" aria-modal="false" aria-labelledby="hint-title">
      <h2 id="hint-title">{t('hint.title')}</h2>
      <div className="hint-groups">
        {GROUPS.map((g) => (
          <div key={g} className="hint-group">
            <h3>{t(`hint.${g}.title`)}</h3>
            <ul>
              {LINES[g].map((line) => (
                <li key={line}>{t(`hint.${g}.${line}`)}</li>
              ))}
            </ul>
          </div>
        ))}
      </div>
      <Button variant="primary" size="sm" autoFocus onPress={dismissHint}>
        {t('hint.dismiss')}
      </Button>
    </section>
  );
}
