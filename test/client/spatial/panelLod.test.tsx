// @vitest-environment jsdom
import ReactThreeTestRenderer from '@react-three/test-renderer';
import { Container } from '@react-three/uikit';
import type { Text } from '@pmndrs/uikit';
import { useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { Vector3 } from 'three';
import type { Group } from 'three';
import { describe, expect, it } from 'vitest';
import { PanelLod, PanelText } from '../../../client/spatial/panelLod.tsx';
import { PX, panelFontProps } from '../../../client/spatial/spatialText.ts';
import { pixelsPerMetreAtOneMetre } from '../../../client/spatial/textLod.ts';

/** A headset panel (a line of 18 px text, a one-letter key label, a 26 px title) `metres` ahead of the camera. */
function Panel({ metres, refs }: { metres: number; refs: Record<string, { current: Text | null }> }) {
  const at = useRef<Group>(null);
  return (
    <group ref={at} position={[0, 0, 5 - metres]}>
      <PanelLod at={at}>
        <Container {...panelFontProps()} width={560} flexDirection="column">
          <PanelText ref={refs.body} fontSize={18}>
            A message long enough to take a few words of the thread panel
          </PanelText>
          <PanelText ref={refs.key} fontSize={20} lines={false}>
            a
          </PanelText>
          <PanelText ref={refs.title} fontSize={26}>
            Kitchen
          </PanelText>
        </Container>
      </PanelLod>
    </group>
  );
}

const eye = new Vector3();

/** Reports the test canvas' pixels per metre at one metre (textLod's measure). */
function Probe({ onK }: { onK: (k: number) => void }) {
  useFrame(({ gl, camera }) => onK(pixelsPerMetreAtOneMetre(gl, camera, eye)));
  return null;
}

const newRefs = (): Record<'body' | 'key' | 'title', { current: Text | null }> => ({
  body: { current: null },
  key: { current: null },
  title: { current: null },
});
const visibility = (ref: { current: Text | null }) => ref.current?.properties.value.visibility;
/** The grey lines LodText draws beside a hidden text (the text's wrapper then has two children). */
const linesOf = (ref: { current: Text | null }) =>
  (ref.current?.parent?.children.length ?? 0) > 1 ? 'lines' : 'none';

/** Frames as the canvas draws them: the renderer brings world matrices up to date before each. */
async function frames(r: Awaited<ReturnType<typeof ReactThreeTestRenderer.create>>) {
  for (let i = 0; i < 2; i++) {
    r.scene.instance.updateMatrixWorld(true);
    await ReactThreeTestRenderer.act(() => r.advanceFrames(1, 16));
  }
}

describe('headset panel text level of detail (PanelLod, PanelText)', () => {
  it('draws every text of a panel at reading distance', async () => {
    const refs = newRefs();
    const r = await ReactThreeTestRenderer.create(<Panel metres={0.8} refs={refs} />);
    await frames(r);
    expect([visibility(refs.body), visibility(refs.key), visibility(refs.title)]).toEqual([
      'visible',
      'visible',
      'visible',
    ]);
    expect(linesOf(refs.body)).toBe('none');
    await r.unmount();
  });

  it('hides the glyphs of text too small to read: lines for a text, nothing for a key label', async () => {
    const refs = newRefs();
    const r = await ReactThreeTestRenderer.create(<Panel metres={60} refs={refs} />);
    await frames(r);
    expect([visibility(refs.body), visibility(refs.key), visibility(refs.title)]).toEqual([
      'hidden',
      'hidden',
      'hidden',
    ]);
    expect(linesOf(refs.body)).toBe('lines');
    // a key's label has no wrapper: it sits in the panel beside the others, and nothing replaces it
    expect(refs.key.current?.parent).toBe(refs.title.current?.parent?.parent);
    await r.unmount();
  });

  it('keeps the larger sizes readable where only the smaller ones are not', async () => {
    const refs = newRefs();
    // where a 22 px em is 4.2 px on the test canvas: 26 px reads (4.96 px), 20 and 18 px do not
    let k = 0;
    const probe = await ReactThreeTestRenderer.create(<Probe onK={(value) => (k = value)} />);
    await probe.advanceFrames(1, 16);
    await probe.unmount();
    expect(k).toBeGreaterThan(0);
    const metres = (22 * PX * k) / 4.2;
    const r = await ReactThreeTestRenderer.create(<Panel metres={metres} refs={refs} />);
    await frames(r);
    expect([visibility(refs.body), visibility(refs.key), visibility(refs.title)]).toEqual([
      'hidden',
      'hidden',
      'visible',
    ]);
    await r.unmount();
  });
});
