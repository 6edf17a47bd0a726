import { Container, Text } from '@react-three/uikit';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { useDataspace, useDataspaceStore, useOpenThread } from '../room/DataspaceContext.ts';
import { ACCENT, AGENT, INK, SUCCESS, SURFACE, panelFontProps } from '../spatial/spatialText.ts';
import { roomColors } from '../spatial/uikitTheme.ts';
import { XRComposer3D } from './XRComposer3D.tsx';

const MAX_LINES = 6;

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
  const next = () => {
    if (threads.length === 0) return;
    const i = threads.findIndex((t) => t.id === threadId);
    void ds.openThread(threads[(i + 1) % threads.length]!.id);
  };
  return (
    <>
      <XRComposer3D threadId={threadId} />
      <group position={[0, 1.45, -1.1]}>
        <Container
          {...panelFontProps()}
          width={560}
          flexDirection="column"
          padding={24}
          gap={10}
          backgroundColor={SURFACE}
          borderRadius={16}
        >
          <Text fontSize={26} fontWeight="semi-bold" color={INK}>
            {thread?.title ?? t('spatial.noThread')}
          </Text>
          {messages.slice(-MAX_LINES).map((m) => (
            <Text key={m.id} fontSize={18} color={m.author_kind === 'agent' ? AGENT : INK}>
              {m.body.slice(0, 140)}
            </Text>
          ))}
          {decisions.slice(0, 3).map((d) => (
            <Text key={d.id} fontSize={18} color={SUCCESS}>
              {`+ ${d.title}`}
            </Text>
          ))}
          <Container flexDirection="row" justifyContent="space-between" alignItems="center">
            <Text fontSize={18} color={ACCENT}>
              {t('spatial.tokens', { value: balance === null ? '…' : fmt.tokens(balance) })}
            </Text>
            <Container
              backgroundColor={ACCENT}
              hover={{ backgroundColor: roomColors.ring }}
              borderRadius={8}
              padding={8}
              onClick={next}
              cursor="pointer"
            >
              <Text fontSize={18} color={roomColors.primaryForeground}>
                {t('spatial.nextThread')}
              </Text>
            </Container>
          </Container>
        </Container>
      </group>
    </>
  );
}
