import { Text } from '@react-three/uikit';
import { createContext, useContext, type ComponentPropsWithRef, type ReactNode, type RefObject } from 'react';
import type { Object3D } from 'three';
import { LodText } from './LodText.tsx';
import { useSmallestReadable } from './textLod.ts';

/**
 * Text level of detail for the headset panels (thread, composer, people and chat, share, token HUD,
 * keyboards): the same rule as the room's boards (textLod.ts), per panel. Every font size the panels
 * use, ascending, so the panel knows the smallest one readable from the eye.
 */
export const PANEL_FONT_SIZES = [15, 16, 17, 18, 19, 20, 22, 24, 26] as const;

/**
 * The smallest font size (uikit px) readable on the panel around the text; 0 (the default, outside a
 * panel that measures it) reads every size, so a text drawn elsewhere is always drawn.
 */
const PanelLodContext = createContext(0);

/**
 * A headset panel's root: measures at `at` (the panel's group) which of its font sizes are readable
 * on the current render target — the XR eye buffer while presenting, where a panel at arm's length
 * always is — and hands it to the PanelText inside. Allocation-free per frame.
 */
export function PanelLod({ at, children }: { at: RefObject<Object3D | null>; children: ReactNode }) {
  const smallest = useSmallestReadable(at, PANEL_FONT_SIZES);
  return <PanelLodContext.Provider value={smallest}>{children}</PanelLodContext.Provider>;
}

/**
 * A text of a headset panel: itself while readable; too small on screen to read, its glyphs hidden
 * (the layout stays) and, unless `lines` is false, grey lines in their place (LodText): a quad per
 * line instead of one per glyph. `lines={false}` suits a key's one-letter label, where the key is the
 * shape. `widthPx` is the width the text wraps in (the panel's inner width), to count its lines.
 */
export function PanelText({
  children,
  fontSize,
  widthPx = 560,
  lines = true,
  ...props
}: Omit<ComponentPropsWithRef<typeof Text>, 'children' | 'fontSize'> & {
  children: string;
  fontSize: number;
  widthPx?: number;
  lines?: boolean;
}) {
  const readable = fontSize >= useContext(PanelLodContext);
  if (!lines) {
    return (
      <Text {...props} fontSize={fontSize} visibility={readable ? 'visible' : 'hidden'}>
        {children}
      </Text>
    );
  }
  return (
    <LodText {...props} readable={readable} widthPx={widthPx} fontSize={fontSize}>
      {children}
    </LodText>
  );
}
