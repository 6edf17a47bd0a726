import { Container, Text } from '@react-three/uikit';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useDataspace } from '../room/DataspaceContext.ts';
import type { SpatialStore } from '../spatial/spatialStore.ts';
import {
  ACCENT,
  BORDER,
  INK,
  MUTED,
  SURFACE,
  SURFACE_ACTIVE,
  panelFontProps,
} from '../spatial/spatialText.ts';
import { named, usePress } from '../threads/named.ts';
import { boardThreads } from '../spatial/ThreadBoards.tsx';
import { usePlace } from './PlaceContext.ts';

/** Most doors to other threads or workspaces shown beside the way back. */
const MAX_DOORS = 6;

function Door({
  name,
  label,
  primary,
  onPress,
}: {
  name: string;
  label: string;
  primary?: boolean;
  onPress: () => void;
}) {
  const press = usePress(onPress);
  return (
    <Container
      ref={named(name)}
      paddingX={22}
      paddingY={12}
      borderRadius={12}
      borderWidth={primary ? 6 : 3}
      borderColor={primary ? ACCENT : BORDER}
      backgroundColor={primary ? SURFACE_ACTIVE : SURFACE}
      hover={{ borderColor: ACCENT }}
      cursor="pointer"
      {...press}
    >
      <Text fontSize={28} color={primary ? ACCENT : INK}>
        {label}
      </Text>
    </Container>
  );
}

/**
 * The doors of a thread's or workspace's room (one uikit root): back to the dataspace's room, and
 * to the other open threads and workspaces. Named `door-hall`, `door-thread-<id>`,
 * `door-workspace-<id>` for the end-to-end tests.
 */
export default function PlaceDoors3D({ spatial }: { spatial: SpatialStore }) {
  const { t } = useTranslation();
  const nav = usePlace();
  const name = useDataspace((s) => s.dataspace?.name ?? '');
  const threads = useDataspace((s) => s.threads);
  const workspaces = useStore(spatial, (s) => s.workspaces);
  if (!nav) return null;
  const others = [
    ...boardThreads(threads).map((th) => ({ key: `thread:${th.id}`, label: th.title })),
    ...workspaces.map((v) => ({ key: `workspace:${v.workspace.id}`, label: v.workspace.name })),
  ]
    .filter((d) => d.key !== nav.place)
    .slice(0, MAX_DOORS);
  return (
    <Container {...panelFontProps()} flexDirection="column" alignItems="center" gap={10} padding={16}>
      <Door name="door-hall" label={t('places.hall', { name })} primary onPress={() => nav.enter(null)} />
      {others.length > 0 && (
        <Text fontSize={22} color={MUTED}>
          {t('places.doors')}
        </Text>
      )}
      <Container flexDirection="row" flexWrap="wrap" gap={8} justifyContent="center" maxWidth={1400}>
        {others.map((d) => (
          <Door
            key={d.key}
            name={`door-${d.key.replace(':', '-')}`}
            label={d.label}
            onPress={() => nav.enter(d.key)}
          />
        ))}
      </Container>
    </Container>
  );
}
