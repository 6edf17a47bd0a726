import { Container, Text } from '@react-three/uikit';
import type { TFunction } from 'i18next';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { Group } from 'three';
import { LodText } from './LodText.tsx';
import { useSmallestReadable } from './textLod.ts';
import { BAKE_TEXELS_PER_PX, usePanelBake } from './panelBake.ts';
import { useViewCull } from './viewCull.ts';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { lookState } from '../controls/DesktopControls.tsx';
import { showTab } from '../hud/hudStore.ts';
import { errorText, type UiError } from '../i18n/uiError.ts';
import { spatialFontSizes } from '../design/tokens.ts';
import type { SpatialStore } from './spatialStore.ts';
import { Color, InstancedMesh, Matrix4, MeshLambertMaterial, PlaneGeometry } from 'three';
import type { MemoryItem } from '../api/chenuApi.ts';
import { MEMORY_CARD, memoryWall } from './spatialLayout.ts';
import { excerpt } from '../ui/text.ts';
import { ACCENT, ERROR, MUTED, panelFontProps, px } from './spatialText.ts';
import { BakedGroup } from './BakedGroup.tsx';

/** Card colour per memory kind (the back of the card). */
export const MEMORY_KIND_COLORS: Readonly<Record<MemoryItem['kind'], string>> = {
  fact: '#e3edff',
  preference: '#fff0d9',
  summary: '#e6f7ea',
  decision: '#dcf5ec',
  task: '#fde6e6',
  note: '#fff8cc',
};
/** Back of a card an agent proposed and no human committed yet (memory law 7). */
export const PROPOSED_COLOR = '#eceff4';
const EXCERPT_CHARS = 110;
/** A card's text sizes (uikit px), for the wall's text level of detail (textLod.ts). */
const CARD_FONT_SIZES = [16, 22] as const;
const cardInner = px(MEMORY_CARD.width) - 28;

const cardGeometry = new PlaneGeometry(MEMORY_CARD.width, MEMORY_CARD.height);
const cardMaterial = new MeshLambertMaterial({ color: '#ffffff' });
const _m = new Matrix4();
const _c = new Color();

function header(item: MemoryItem, t: TFunction): string {
  const parts: string[] = [t(`memoryKinds.${item.kind}`), t(`memorySources.${item.source_type}`)];
  if (item.status === 'proposed') parts.push(t('memory.proposed'));
  if (item.sensitive) parts.push(t('memory.sensitive'));
  return parts.join(' · ');
}

/** Card text stays dark on the pale card backs in both themes (the backs keep their kind colour). */
const CARD_INK = '#17202e';
const CARD_MUTED = '#4b5567';

/**
 * The dataspace's memory items as cards on a wall (centred on its group, facing +z): the backs are
 * ONE instanced mesh whatever the count (`memory-card-backs`, `userData.itemIds[i]` is instance i's
 * item), the words one uikit root whose glyphs uikit batches per font. A failed list shows its reason.
 */
export function MemoryWall({
  items,
  error,
  truncated = false,
  spatial,
}: {
  items: readonly MemoryItem[];
  error: UiError | null;
  truncated?: boolean;
  spatial: SpatialStore;
}) {
  const { t, i18n } = useTranslation();
  const selected = useStore(spatial, (s) => (s.selected?.kind === 'memory' ? s.selected.id : null));
  const wall = useMemo(() => memoryWall(items.length), [items.length]);
  const mesh = useMemo(() => {
    const m = new InstancedMesh(cardGeometry, cardMaterial, Math.max(1, items.length));
    m.name = 'memory-card-backs';
    m.count = 0;
    return m;
  }, [items.length]);
  useEffect(() => () => mesh.dispose(), [mesh]);
  useLayoutEffect(() => {
    items.forEach((item, i) => {
      const slot = wall.slots[i]!;
      mesh.setMatrixAt(i, _m.makeTranslation(slot.x, slot.y, 0));
      mesh.setColorAt(i, _c.set(item.status === 'proposed' ? PROPOSED_COLOR : MEMORY_KIND_COLORS[item.kind]));
    });
    mesh.count = items.length;
    mesh.userData.itemIds = items.map((it) => it.id);
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    mesh.computeBoundingSphere();
  }, [items, wall, mesh]);

  const title = error
    ? t('spatial.signs.memory')
    : `${t('spatial.signs.memory')} · ${t('spatial.memoryCount', { count: items.length })}${truncated ? ` (${t('spatial.mostRecent')})` : ''}`;
  const top = Math.max(wall.height, MEMORY_CARD.height) / 2;
  const cards = useRef<Group>(null);
  const smallest = useSmallestReadable(cards, CARD_FONT_SIZES);
  useViewCull(cards, Math.hypot(wall.width, wall.height) / 2);
  usePanelBake(cards, BAKE_TEXELS_PER_PX.far);
  return (
    <group name="memory-wall">
      <BakedGroup position={[0, top + 0.2, 0]}>
        <Container {...panelFontProps()} flexDirection="column" alignItems="center" gap={6}>
          <Text fontSize={spatialFontSizes.sign} fontWeight="semi-bold" color={ACCENT}>
            {title}
          </Text>
          {error && (
            <Text fontSize={spatialFontSizes.heading} color={ERROR}>
              {errorText(t, i18n, error)}
            </Text>
          )}
          {!error && items.length === 0 && (
            <Text fontSize={spatialFontSizes.heading} color={MUTED}>
              {t('spatial.memoryEmpty')}
            </Text>
          )}
        </Container>
      </BakedGroup>
      <primitive object={mesh} />
      {items.length > 0 && (
        <group ref={cards} position={[0, 0, 0.004]}>
          <Container {...panelFontProps()} width={px(wall.width)} height={px(wall.height)}>
            {items.map((item, i) => {
              const slot = wall.slots[i]!;
              return (
                <Container
                  key={item.id}
                  positionType="absolute"
                  positionLeft={px(slot.x - MEMORY_CARD.width / 2 + wall.width / 2)}
                  positionTop={px(wall.height / 2 - slot.y - MEMORY_CARD.height / 2)}
                  width={px(MEMORY_CARD.width)}
                  height={px(MEMORY_CARD.height)}
                  padding={14}
                  gap={6}
                  flexDirection="column"
                  overflow="hidden"
                  borderRadius={8}
                  borderWidth={selected === item.id ? 6 : 0}
                  borderColor={ACCENT}
                  hover={{ borderWidth: 6 }}
                  cursor="pointer"
                  onClick={() => {
                    if (lookState.controls?.wasDrag()) return;
                    spatial.select(selected === item.id ? null : { kind: 'memory', id: item.id });
                    showTab('memory');
                  }}
                >
                  <LodText
                    readable={16 >= smallest}
                    widthPx={cardInner}
                    fontSize={16}
                    fontWeight="semi-bold"
                    color={CARD_MUTED}
                  >
                    {header(item, t)}
                  </LodText>
                  <LodText readable={22 >= smallest} widthPx={cardInner} fontSize={22} color={CARD_INK}>
                    {excerpt(item.content, EXCERPT_CHARS)}
                  </LodText>
                </Container>
              );
            })}
          </Container>
        </group>
      )}
    </group>
  );
}
