import { Container, Text } from '@react-three/uikit';
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { DataspaceStore } from '../room/dataspaceStore.ts';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { errorText } from '../i18n/uiError.ts';
import { ERROR, INK, MUTED } from '../spatial/spatialText.ts';
import { Panel3D } from '../spatial/Panel3D.tsx';
import { dashboardLines, sectionView } from './bureauContent.ts';
import type { BureauStore } from './bureauStore.ts';
import { countText, dashboardText, itemDetail } from './bureauText.ts';

/** Items per section on the 3D panel (the 2D overlay shows SECTION_ITEMS). */
export const PANEL_ITEMS = 3;
/**
 * Where the panel stands: to the left of the room's entrance, turned toward its centre, so it neither
 * hides the XR thread panel ahead nor fills the view on entering (turn left to read it).
 */
export const BUREAU_PANEL_POSITION = [-1.7, 1.35, -0.4] as const;
export const BUREAU_PANEL_ROT_Y = 1.15;

/**
 * The bureau as a 3D panel for XR, where DOM overlays are not visible: the visible sections in the
 * saved order (uikit, Inter MSDF from assets/fonts/msdf), each with its count and first items, a
 * refusal as its sentence, in the language in force. Its own chunk, mounted only while presenting; the order and visibility
 * are edited in the 2D bureau and follow here live.
 */
export default function BureauPanel3D({
  bureau,
  dataspace,
}: {
  bureau: BureauStore;
  dataspace: DataspaceStore;
}) {
  const layout = useStore(bureau, (s) => s.layout);
  const content = useStore(bureau, (s) => s.content);
  const sphereId = useStore(bureau, (s) => s.sphereId);
  const liveBalance = useStore(dataspace, (s) => s.balance);
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  useEffect(() => {
    if (sphereId) void bureau.ensureContent();
  }, [bureau, sphereId]);
  const visible = new Set(layout.visible_sections);
  const sections = layout.section_order.filter((s) => visible.has(s));
  return (
    <Panel3D
      name="bureau-panel"
      position={BUREAU_PANEL_POSITION}
      rotationY={BUREAU_PANEL_ROT_Y}
      userData={{ sections }}
      width={620}
      padding={22}
      gap={12}
      title={t('bureau.title')}
      titleSize={28}
      lod={false}
    >
      {sections.map((s) => {
        const view = sectionView(content, s);
        const loading = view.status === 'loading' || view.status === 'idle';
        const lines =
          s === 'dashboard'
            ? dashboardLines(content, liveBalance).map((line) => {
                const { label, value } = dashboardText(line, t, fmt);
                return { id: line.id, text: `${label} · ${value}` };
              })
            : view.items.slice(0, PANEL_ITEMS).map((i) => {
                const detail = itemDetail(i, t, fmt);
                return { id: i.id, text: detail ? `${i.title} · ${detail}` : i.title };
              });
        return (
          <Container key={s} id={`bureau-section-${s}`} flexDirection="column" gap={4}>
            <Container flexDirection="row" justifyContent="space-between">
              <Text fontSize={22} fontWeight="semi-bold" color={INK}>
                {t(`bureau.sections.${s}`)}
              </Text>
              <Text fontSize={18} color={MUTED}>
                {s === 'dashboard' ? '' : loading ? t('common.loading') : countText(view, t, fmt)}
              </Text>
            </Container>
            {view.error && (
              <Text fontSize={18} color={ERROR}>
                {errorText(t, i18n, view.error)}
              </Text>
            )}
            {lines.map((l) => (
              <Text key={l.id} fontSize={18} color={INK}>
                {l.text}
              </Text>
            ))}
          </Container>
        );
      })}
    </Panel3D>
  );
}
