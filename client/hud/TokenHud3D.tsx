import { Container } from '@react-three/uikit';
import { useRef, useState } from 'react';
import type { Group } from 'three';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { useDataspace } from '../room/DataspaceContext.ts';
import { PanelButton3D } from '../spatial/PanelButton3D.tsx';
import { ACCENT, INK, MUTED, SURFACE, panelFontProps } from '../spatial/spatialText.ts';
import { named } from '../threads/named.ts';
import { BAKE_TEXELS_PER_PX, usePanelBake } from '../spatial/panelBake.ts';
import { PanelLod, PanelText } from '../spatial/panelLod.tsx';

/** Above the thread panel, where a headset user looks to act. */
export const TOKEN_HUD_POSITION = [0, 1.98, -1.1] as const;

/**
 * The token HUD on a 3D panel: the active identity's available tokens (the same dataspace store as the
 * room bar's TokenHud, so it drops as governed runs settle), and what tokens are, one press away.
 */
export default function TokenHud3D() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const balance = useDataspace((s) => s.balance);
  const [explained, setExplained] = useState(false);
  const at = useRef<Group>(null);
  usePanelBake(at, BAKE_TEXELS_PER_PX.near, 'covering');
  return (
    <group ref={at} position={[...TOKEN_HUD_POSITION]}>
      <PanelLod at={at}>
        <Container
          {...panelFontProps()}
          width={explained ? 560 : 320}
          flexDirection="column"
          alignItems="center"
          paddingX={18}
          paddingY={10}
          gap={6}
          backgroundColor={SURFACE}
          borderRadius={14}
        >
          <Container flexDirection="row" gap={10} alignItems="center">
            <PanelText fontSize={18} color={MUTED}>
              {t('tokens.title')}
            </PanelText>
            <PanelText ref={named('xr-token-balance')} fontSize={24} fontWeight="semi-bold" color={ACCENT}>
              {balance === null ? '…' : fmt.tokens(balance)}
            </PanelText>
            <PanelButton3D
              name="xr-token-what"
              label="?"
              size={16}
              active={explained}
              onPress={() => setExplained(!explained)}
            />
          </Container>
          {explained && (
            <>
              <PanelText fontSize={16} color={INK}>
                {t('tokens.what')}
              </PanelText>
              <PanelText fontSize={15} color={MUTED}>
                {t('tokens.whatMore')}
              </PanelText>
            </>
          )}
        </Container>
      </PanelLod>
    </group>
  );
}
