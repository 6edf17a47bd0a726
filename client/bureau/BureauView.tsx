import { useEffect } from 'react';
import { Checkbox } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useFormat } from '../i18n/format.ts';
import { Button } from '../ui/Button.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { dashboardLines, sectionView } from './bureauContent.ts';
import type { BureauSection } from './bureauSections.ts';
import type { BureauStore } from './bureauStore.ts';
import { countText, dashboardText, itemDetail } from './bureauText.ts';

function SectionBody({
  bureau,
  section,
  liveBalance,
}: {
  bureau: BureauStore;
  section: BureauSection;
  liveBalance: number | null;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const content = useStore(bureau, (s) => s.content);
  const view = sectionView(content, section);
  const loading = view.status === 'loading' || view.status === 'idle';
  return (
    <div className="bureau-body" aria-busy={loading}>
      {section === 'dashboard' ? (
        <dl className="kv">
          {dashboardLines(content, liveBalance).map((line) => {
            const { label, value } = dashboardText(line, t, fmt);
            return (
              <div key={line.id} data-line={line.id}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            );
          })}
        </dl>
      ) : (
        <>
          {loading && <p className="muted">{t('common.loading')}</p>}
          <ErrorNotice error={view.error} />
          {view.count && <p className="muted bureau-count">{countText(view, t, fmt)}</p>}
          {view.items.length > 0 && (
            <ul className="item-list">
              {view.items.map((i) => (
                <li key={i.id} data-item={i.id}>
                  <strong>{i.title}</strong> <span className="muted">{itemDetail(i, t, fmt)}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

/**
 * The bureau: the six sections of the active identity in a sphere, in the saved order, each with its
 * contents from the API; order and visibility are saved per identity × sphere.
 */
export function BureauView({
  bureau,
  liveBalance = null,
}: {
  bureau: BureauStore;
  liveBalance?: number | null;
}) {
  const { t } = useTranslation();
  const layout = useStore(bureau, (s) => s.layout);
  const saving = useStore(bureau, (s) => s.saving);
  const error = useStore(bureau, (s) => s.error);
  const sphereId = useStore(bureau, (s) => s.sphereId);
  useEffect(() => {
    if (sphereId) void bureau.ensureContent();
  }, [bureau, sphereId]);
  const visible = new Set(layout.visible_sections);
  return (
    <section className="bureau" aria-label={t('bureau.title')}>
      <ErrorNotice error={error} />
      <ol className="bureau-sections" aria-label={t('bureau.sectionsLabel')}>
        {layout.section_order.map((s, i) => {
          const title = t(`bureau.sections.${s}`);
          return (
            <li key={s} data-section={s} data-visible={visible.has(s)} className="card bureau-section">
              <div className="bureau-section-head">
                <Checkbox
                  className="checkbox"
                  isSelected={visible.has(s)}
                  isDisabled={saving}
                  onChange={() => void bureau.toggle(s)}
                  aria-label={t('bureau.show', { section: title })}
                >
                  <span className="checkbox-box" aria-hidden="true" />
                  <h2 className="bureau-section-title">{title}</h2>
                </Checkbox>
                <span className="bureau-section-moves">
                  <Button
                    variant="quiet"
                    size="sm"
                    aria-label={t('bureau.moveUp', { section: title })}
                    isDisabled={saving || i === 0}
                    onPress={() => void bureau.move(s, -1)}
                  >
                    ↑
                  </Button>
                  <Button
                    variant="quiet"
                    size="sm"
                    aria-label={t('bureau.moveDown', { section: title })}
                    isDisabled={saving || i === layout.section_order.length - 1}
                    onPress={() => void bureau.move(s, 1)}
                  >
                    ↓
                  </Button>
                </span>
              </div>
              {visible.has(s) && <SectionBody bureau={bureau} section={s} liveBalance={liveBalance} />}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
