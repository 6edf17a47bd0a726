import { Container, Text } from '@react-three/uikit';
import { useDataspace, useDataspaceStore, useOpenThread } from '../room/DataspaceContext.ts';
import { panelFontProps } from '../spatial/spatialText.ts';

const MAX_LINES = 6;

/**
 * The open thread as a 3D panel (uikit, Inter MSDF with Latin-1 from assets/fonts/msdf: no CDN), for XR where DOM
 * overlays are not visible: recent messages, decisions, the token balance; thread switching by ray.
 */
export default function ThreadPanel3D() {
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
    <group position={[0, 1.45, -1.1]}>
      <Container
        {...panelFontProps()}
        width={560}
        flexDirection="column"
        padding={24}
        gap={10}
        backgroundColor="#f4f6fa"
        borderRadius={16}
      >
        <Text fontSize={26} fontWeight="semi-bold" color="#1d2433">
          {thread?.title ?? 'No thread'}
        </Text>
        {messages.slice(-MAX_LINES).map((m) => (
          <Text key={m.id} fontSize={18} color="#2b3445">
            {m.body.slice(0, 140)}
          </Text>
        ))}
        {decisions.slice(0, 3).map((d) => (
          <Text key={d.id} fontSize={18} color="#0b6b3a">
            {`+ ${d.title}`}
          </Text>
        ))}
        <Container flexDirection="row" justifyContent="space-between" alignItems="center">
          <Text fontSize={18} color="#4f8cff">
            {balance === null ? 'Tokens …' : `Tokens ${balance}`}
          </Text>
          <Container backgroundColor="#4f8cff" borderRadius={8} padding={8} onClick={next}>
            <Text fontSize={18} color="#ffffff">
              Next thread
            </Text>
          </Container>
        </Container>
      </Container>
    </group>
  );
}
