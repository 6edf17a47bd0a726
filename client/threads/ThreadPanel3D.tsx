import { Container } from '@react-three/uikit';
import { useRef } from 'react';
import type { Group } from 'three';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { useDataspace, useDataspaceStore, useOpenThread } from '../room/DataspaceContext.ts';
import { ACCENT, AGENT, INK, SUCCESS, SURFACE, panelFontProps } from '../spatial/spatialText.ts';
import { roomColors } from '../spatial/uikitTheme.ts';
import { BAKE_TEXELS_PER_PX, usePanelBake } from '../spatial/panelBake.ts';
import { PanelLod, PanelText } from '../spatial/panelLod.tsx';
import { XRComposer3D } from './XRComposer3D.tsx';

const MAX_LINES = 6;
/** The panel's width and padding (uikit px): its text wraps in what is left. */
const WIDTH_PX = 560;
const INNER_PX = WIDTH_PX - 2 * 24;

/**
 * The open thread as a 3D panel (uikit, Inter MSDF with Latin-1 from assets/fonts/msdf: no CDN), for XR where DOM
 * overlays are not visible: recent messages, decisions, the token balance; thread switching by ray;
 * under it, the composer (XRComposer3D: post with the virtual keyboard, governed actions).
 */
export default function ThreadPanel3D() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const ds = useDataspaceStore();
  const threads = useDataspace((s) => s.threads);
  const { threadId, messages, decisions } = useOpenThread();
  const balance = useDataspace((s) => s.balance);
  const thread = threads.find((t) => t.id === threadId);
  const at = useRef<Group>(null);
  usePanelBake(at, BAKE_TEXELS_PER_PX.near, 'covering');
  const next = () => {
    if (threads.length === 0) return;
    const i = threads.findIndex((t) => t.id === threadId);
    void ds.openThread(threads[(i + 1) % threads.length]!.id);
  };
  return (
    <>
      <XRComposer3D threadId={threadId} />
      <group ref={at} position={[0, 1.45, -1.1]}>
        <PanelLod at={at}>
          <Container
            {...panelFontProps()}
            width={WIDTH_PX}
            flexDirection="column"
            padding={24}
            gap={10}
            backgroundColor={SURFACE}
            borderRadius={16}
          >
            <PanelText fontSize={26} widthPx={INNER_PX} fontWeight="semi-bold" color={INK}>
              {thread?.title ?? t('spatial.noThread')}
            </PanelText>
            {messages.slice(-MAX_LINES).map((m) => (
              <PanelText
                key={m.id}
                fontSize={18}
                widthPx={INNER_PX}
                color={m.author_kind === 'agent' ? AGENT : INK}
              >
                {m.body.slice(0, 140)}
              </PanelText>
            ))}
            {decisions.slice(0, 3).map((d) => (
              <PanelText key={d.id} fontSize={18} widthPx={INNER_PX} color={SUCCESS}>
                {`+ ${d.title}`}
              </PanelText>
            ))}
            <Container flexDirection="row" justifyContent="space-between" alignItems="center">
              <PanelText fontSize={18} color={ACCENT}>
                {t('spatial.tokens', { value: balance === null ? '…' : fmt.tokens(balance) })}
              </PanelText>
              <Container
                backgroundColor={ACCENT}
                hover={{ backgroundColor: roomColors.ring }}
                borderRadius={8}
                padding={8}
                onClick={next}
                cursor="pointer"
              >
                <PanelText fontSize={18} color={roomColors.primaryForeground}>
                  {t('spatial.nextThread')}
                </PanelText>
              </Container>
            </Container>
          </Container>
        </PanelLod>
      </group>
    </>
  );
}
