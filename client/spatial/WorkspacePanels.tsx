import { Container, Text } from '@react-three/uikit';
import { useMemo, useRef } from 'react';
import type { Group } from 'three';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { showTab } from '../hud/hudStore.ts';
import { errorText, type UiError } from '../i18n/uiError.ts';
import type { Panel } from '../api/chenuApi.ts';
import type { SpatialStore, WorkspaceView } from './spatialStore.ts';
import { PANEL_BASE_Y, layoutWorkspace, sideBySide, spanWidth } from './spatialLayout.ts';
import { excerpt } from '../ui/text.ts';
import { lookState } from '../controls/DesktopControls.tsx';
import { EnterButton } from './ThreadBoards.tsx';
import { LodText } from './LodText.tsx';
import { useSmallestReadable } from './textLod.ts';
import { BAKE_TEXELS_PER_PX, usePanelBake } from './panelBake.ts';
import { useViewCull } from './viewCull.ts';

/** A panel's text sizes (uikit px), for its text level of detail (textLod.ts). */
const PANEL_FONT_SIZES = [24, 26, 44] as const;
import { ACCENT, ERROR, INK, MUTED, SURFACE, SURFACE_ACTIVE, panelFontProps, px } from './spatialText.ts';
import { BakedGroup } from './BakedGroup.tsx';

/** Frame colour per panel kind. */
export const PANEL_KIND_COLORS: Readonly<Record<Panel['kind'], string>> = {
  thread: '#4f8cff',
  notes: '#e0a800',
  tasks: '#d9534f',
  memory: '#8e6cef',
  chart: '#17a2b8',
  document: '#6c757d',
  estimate: '#28a745',
  media: '#fd7e14',
};
/** Space between two workspaces (m). */
const WORKSPACE_GAP_M = 1.2;

/** A panel's own words when its content carries some (`{ text }` or `{ body }`). */
function contentText(content: unknown): string | null {
  if (typeof content !== 'object' || content === null) return null;
  const c = content as { text?: unknown; body?: unknown };
  const text = typeof c.text === 'string' ? c.text : typeof c.body === 'string' ? c.body : null;
  return text && text.trim() ? excerpt(text, 90) : null;
}

function FramedPanel({
  panel,
  width,
  height,
  selected,
  onSelect,
}: {
  panel: Panel;
  width: number;
  height: number;
  selected: boolean;
  onSelect: () => void;
}) {
  const { t } = useTranslation();
  const text = contentText(panel.content);
  const at = useRef<Group>(null);
  const smallest = useSmallestReadable(at, PANEL_FONT_SIZES);
  useViewCull(at, Math.hypot(width, height) / 2);
  usePanelBake(at, BAKE_TEXELS_PER_PX.far, 'covering');
  const inner = px(width) - 48;
  return (
    <group ref={at}>
      <Container
        {...panelFontProps()}
        width={px(width)}
        height={px(height)}
        flexDirection="column"
        padding={24}
        gap={10}
        backgroundColor={selected ? SURFACE_ACTIVE : SURFACE}
        borderWidth={selected ? 14 : 8}
        borderColor={selected ? ACCENT : PANEL_KIND_COLORS[panel.kind]}
        borderRadius={14}
        hover={{ borderWidth: 14 }}
        cursor="pointer"
        onClick={onSelect}
      >
        <LodText
          readable={24 >= smallest}
          widthPx={inner}
          fontSize={24}
          fontWeight="semi-bold"
          color={PANEL_KIND_COLORS[panel.kind]}
        >
          {t(`panelKinds.${panel.kind}`).toUpperCase()}
        </LodText>
        <LodText readable={44 >= smallest} widthPx={inner} fontSize={44} fontWeight="semi-bold" color={INK}>
          {panel.title}
        </LodText>
        {text && (
          <LodText readable={26 >= smallest} widthPx={inner} fontSize={26} color={MUTED}>
            {text}
          </LodText>
        )}
      </Container>
    </group>
  );
}

/** One workspace: its name over its panels, placed by the Layout engine for the workspace's layout. */
function WorkspaceGroup({
  view,
  placements,
  selected,
  onSelect,
}: {
  view: WorkspaceView;
  placements: ReturnType<typeof layoutWorkspace>;
  selected: boolean;
  onSelect: () => void;
}) {
  const { t, i18n } = useTranslation();
  const byId = new Map(view.panels.map((p) => [p.id, p]));
  const top = placements.reduce((t, p) => Math.max(t, p.y + p.height / 2), PANEL_BASE_Y);
  return (
    <group name={`workspace-${view.workspace.id}`}>
      <BakedGroup position={[0, top + 0.14, 0]}>
        <Container {...panelFontProps()} flexDirection="column" alignItems="center" gap={4}>
          <Text fontSize={48} fontWeight="semi-bold" color={selected ? ACCENT : INK}>
            {view.workspace.name}
          </Text>
          <Text fontSize={26} color={ACCENT}>
            {t('spatial.workspaceSummary', {
              layout: t(`layouts.${view.workspace.layout}`),
              version: view.workspace.version,
              count: view.panels.length,
            })}
          </Text>
          {view.error && (
            <Text fontSize={22} color={ERROR}>
              {errorText(t, i18n, view.error)}
            </Text>
          )}
          <EnterButton
            name={`enter-workspace-${view.workspace.id}`}
            place={`workspace:${view.workspace.id}`}
          />
        </Container>
      </BakedGroup>
      {placements.map((p) => (
        <group
          key={p.id}
          name={`workspace-panel-${p.id}`}
          position={[p.x, p.y, p.z]}
          rotation-y={p.rotY}
          userData={{ panelId: p.id, kind: byId.get(p.id)!.kind }}
        >
          <FramedPanel
            panel={byId.get(p.id)!}
            width={p.width}
            height={p.height}
            selected={selected}
            onSelect={onSelect}
          />
        </group>
      ))}
    </group>
  );
}

/**
 * The dataspace's workspaces side by side (centred on their group, facing +z), each with its panels
 * laid out by `layoutWorkspace` from the workspace's `layout` and the panels' order and stored cells.
 */
export function WorkspacePanels({
  views,
  error,
  spatial,
}: {
  views: readonly WorkspaceView[];
  error: UiError | null;
  spatial: SpatialStore;
}) {
  const { t, i18n } = useTranslation();
  const selected = useStore(spatial, (s) => (s.selected?.kind === 'workspace' ? s.selected.id : null));
  const laid = useMemo(() => {
    const placements = views.map((v) => layoutWorkspace(v.workspace.layout, v.panels));
    const xs = sideBySide(
      placements.map((p) => Math.max(spanWidth(p), 1.5)),
      WORKSPACE_GAP_M,
    );
    return views.map((view, i) => ({ view, placements: placements[i]!, x: xs[i]! }));
  }, [views]);
  return (
    <group name="workspaces">
      {(error || views.length === 0) && (
        <BakedGroup position={[0, 1.5, 0]}>
          <Container {...panelFontProps()} flexDirection="column" alignItems="center" gap={6}>
            <Text fontSize={40} color={error ? ERROR : MUTED}>
              {error ? errorText(t, i18n, error) : t('spatial.workspacesEmpty')}
            </Text>
          </Container>
        </BakedGroup>
      )}
      {laid.map(({ view, placements, x }) => (
        <group key={view.workspace.id} position={[x, 0, 0]}>
          <WorkspaceGroup
            view={view}
            placements={placements}
            selected={selected === view.workspace.id}
            onSelect={() => {
              if (lookState.controls?.wasDrag()) return;
              spatial.select(
                selected === view.workspace.id ? null : { kind: 'workspace', id: view.workspace.id },
              );
              showTab('workspaces');
            }}
          />
        </group>
      ))}
    </group>
  );
}
