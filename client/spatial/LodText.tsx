import { Container, Text } from '@react-three/uikit';
import type { ComponentPropsWithRef } from 'react';
import { MUTED } from './spatialText.ts';

/** Average glyph advance of the panel font, in ems (Inter, mixed French text). */
const ADVANCE_EM = 0.5;

/**
 * A panel text under level of detail (textLod.ts): readable, the text itself; too small on screen to
 * read, the same box with its glyphs hidden (the layout does not move) and grey lines over it, a quad
 * per line instead of one per glyph. `widthPx` is the width the text wraps in, to count its lines.
 */
export function LodText({
  readable,
  widthPx,
  children,
  fontSize = 16,
  ...props
}: Omit<ComponentPropsWithRef<typeof Text>, 'children' | 'fontSize'> & {
  readable: boolean;
  widthPx: number;
  fontSize?: number;
  children: string;
}) {
  const lines = Math.max(
    1,
    Math.min(12, Math.ceil((children.length * fontSize * ADVANCE_EM) / Math.max(widthPx, 1))),
  );
  return (
    <Container flexDirection="column">
      <Text {...props} fontSize={fontSize} visibility={readable ? 'visible' : 'hidden'}>
        {children}
      </Text>
      {!readable && (
        <Container
          positionType="absolute"
          positionTop={0}
          positionLeft={0}
          width="100%"
          height="100%"
          flexDirection="column"
          justifyContent="space-around"
        >
          {Array.from({ length: lines }, (_, i) => (
            <Container
              key={i}
              height={Math.round(fontSize * 0.45)}
              width={
                lines === 1
                  ? Math.min(widthPx, Math.round(children.length * fontSize * ADVANCE_EM))
                  : i === lines - 1
                    ? '60%'
                    : '100%'
              }
              backgroundColor={MUTED}
            />
          ))}
        </Container>
      )}
    </Container>
  );
}
