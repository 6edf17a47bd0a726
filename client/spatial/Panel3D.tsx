import { Container, Text } from '@react-three/uikit';
import { useRef, type ReactNode } from 'react';
import type { Group } from 'three';
import { BAKE_TEXELS_PER_PX, PanelBakeContext, usePanelBake } from './panelBake.ts';
import { PanelLod, PanelText } from './panelLod.tsx';
import { INK, SURFACE, panelFontProps } from './spatialText.ts';

/**
 * The frame of a headset panel (uikit), written once for all of them (people and chat, share, the
 * composer, the bureau, the meeting): where it stands in the room, its surface — background in the
 * theme's SURFACE role, rounded corners, padding, a column of rows with a gap — and its title.
 *
 * `lod` (default) measures the panel's text level of detail at the panel (PanelLod) for the
 * PanelTexts inside; the title is then a PanelText too. Without it the panel's texts are always drawn
 * (the bureau and meeting panels write theirs with uikit `Text`), and so is the title.
 */
export function Panel3D({
  name,
  position,
  rotationY = 0,
  rotationX = 0,
  userData,
  width,
  padding = 20,
  gap = 8,
  anchorY,
  title,
  titleSize = 24,
  lod = true,
  children,
}: {
  /** The group's name, for end-to-end tests. */
  name?: string;
  position: readonly [number, number, number];
  rotationY?: number;
  rotationX?: number;
  userData?: Record<string, unknown>;
  width: number;
  padding?: number;
  gap?: number;
  /** Which edge of the panel stands at `position` (uikit's default: its centre). */
  anchorY?: 'top' | 'center' | 'bottom';
  title?: string;
  titleSize?: number;
  lod?: boolean;
  children: ReactNode;
}) {
  const at = useRef<Group>(null);
  usePanelBake(at, BAKE_TEXELS_PER_PX.near, 'covering');
  const surface = (
    <Container
      {...panelFontProps()}
      {...(anchorY ? { anchorY } : {})}
      width={width}
      flexDirection="column"
      padding={padding}
      gap={gap}
      backgroundColor={SURFACE}
      borderRadius={16}
    >
      {title !== undefined &&
        (lod ? (
          <PanelText fontSize={titleSize} fontWeight="semi-bold" color={INK}>
            {title}
          </PanelText>
        ) : (
          <Text fontSize={titleSize} fontWeight="semi-bold" color={INK}>
            {title}
          </Text>
        ))}
      {children}
    </Container>
  );
  return (
    <group
      ref={at}
      name={name}
      position={[...position]}
      rotation={[rotationX, rotationY, 0]}
      {...(userData ? { userData } : {})}
    >
      <PanelBakeContext.Provider value={at}>
        {lod ? <PanelLod at={at}>{surface}</PanelLod> : surface}
      </PanelBakeContext.Provider>
    </group>
  );
}
