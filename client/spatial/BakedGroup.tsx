import { useRef, type ComponentPropsWithoutRef } from 'react';
import type { Group } from 'three';
import { BAKE_TEXELS_PER_PX, PanelBakeContext, usePanelBake } from './panelBake.ts';

/**
 * A group whose uikit root is drawn from a texture baked when it changes (panelBake.ts): for the
 * room's headings and signs, which change rarely and are seen from afar.
 */
export function BakedGroup({ children, ...props }: ComponentPropsWithoutRef<'group'>) {
  const at = useRef<Group>(null);
  usePanelBake(at, BAKE_TEXELS_PER_PX.far);
  return (
    <group ref={at} {...props}>
      <PanelBakeContext.Provider value={at}>{children}</PanelBakeContext.Provider>
    </group>
  );
}
