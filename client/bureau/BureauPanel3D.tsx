import { Container, Text } from '@react-three/uikit';
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { DataspaceStore } from '../room/dataspaceStore.ts';
import { ERROR, INK, MUTED, panelFontProps } from '../spatial/spatialText.ts';
import { SECTION_TITLES, sectionView } from './bureauContent.ts';
import type { BureauStore } from './bureauStore.ts';

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
 * refusal as `code: message`. Its own chunk, mounted only while presenting; the order and visibility
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
  useEffect(() => {
    if (sphereId) void bureau.ensureContent();
  }, [bureau, sphereId]);
  const visible = new Set(layout.visible_sections);
  const sections = layout.section_order.filter((s) => visible.has(s));
  return (
    <group
      name="bureau-panel"
      position={[...BUREAU_PANEL_POSITION]}
      rotation={[0, BUREAU_PANEL_ROT_Y, 0]}
      userData={{ sections }}
    >
      <Container
        {...panelFontProps()}
        width={620}
        flexDirection="column"
        padding={22}
        gap={12}
        backgroundColor="#f4f6fa"
        borderRadius={16}
      >
        <Text fontSize={28} fontWeight="semi-bold" color={INK}>
          Bureau
        </Text>
        {sections.map((s) => {
          const view = sectionView(content, s, liveBalance);
          return (
            <Container key={s} id={`bureau-section-${s}`} flexDirection="column" gap={4}>
              <Container flexDirection="row" justifyContent="space-between">
                <Text fontSize={22} fontWeight="semi-bold" color={INK}>
                  {SECTION_TITLES[s]}
                </Text>
                <Text fontSize={18} color={MUTED}>
                  {view.status === 'loading' || view.status === 'idle' ? 'Loading…' : view.summary}
                </Text>
              </Container>
              {view.error && (
                <Text fontSize={18} color={ERROR}>
                  {view.error}
                </Text>
              )}
              {view.items.slice(0, s === 'dashboard' ? view.items.length : PANEL_ITEMS).map((i) => (
                <Text key={i.id} fontSize={18} color="#2b3445">
                  {`${i.title} · ${i.detail}`}
                </Text>
              ))}
            </Container>
          );
        })}
      </Container>
    </group>
  );
}
