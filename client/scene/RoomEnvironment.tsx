import { useEffect, useMemo } from 'react';
import { GridHelper } from 'three';
import { useStore } from 'zustand';
import { clientStore } from '../app/clientStore.ts';
import { colors } from '../design/tokens.ts';
import { themeStore } from '../design/themeStore.ts';

/**
 * Floor, grid and lights of a room: the same in desktop, mobile and VR. In AR the floor and grid are
 * left out so passthrough shows the real room (three clears to transparent for an alpha-blend session).
 */
export function RoomEnvironment({ size = 40 }: { size?: number }) {
  // the floor takes the theme's colours (design tokens), like the clear colour and the panels
  const palette = colors[useStore(themeStore, (s) => s.scheme)];
  const grid = useMemo(() => {
    const helper = new GridHelper(size, size, palette.floorAxis, palette.floorGrid);
    helper.position.y = 0.002;
    return helper;
  }, [size, palette]);
  useEffect(() => () => grid.dispose(), [grid]);
  const ar = useStore(clientStore, (s) => s.xrStatus === 'immersive-ar');
  if (ar) {
    return (
      <>
        <hemisphereLight args={['#ffffff', '#b9c2cf', 1.6]} />
        <directionalLight position={[4, 8, 3]} intensity={1.4} />
      </>
    );
  }
  return (
    <>
      <hemisphereLight args={['#ffffff', '#b9c2cf', 1.6]} />
      <directionalLight position={[4, 8, 3]} intensity={1.4} />
      <mesh name="floor" rotation-x={-Math.PI / 2}>
        <planeGeometry args={[size, size]} />
        {/* matte (was PBR at roughness 1): Lambert shades it the same for a fraction of the cost */}
        <meshLambertMaterial color={palette.floor} />
      </mesh>
      <primitive object={grid} />
    </>
  );
}
