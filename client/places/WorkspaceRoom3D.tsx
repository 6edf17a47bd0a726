import { Container, Text } from '@react-three/uikit';
import { useFrame } from '@react-three/fiber';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { PANEL_KIND_COLORS } from '../spatial/WorkspacePanels.tsx';
import { layoutWorkspace } from '../spatial/spatialLayout.ts';
import {
  ACCENT,
  BORDER,
  INK,
  MUTED,
  PX,
  SURFACE,
  SURFACE_ACTIVE,
  panelFontProps,
  px,
} from '../spatial/spatialText.ts';
import { LodText } from '../spatial/LodText.tsx';
import { lodEye, pixelsPerMetreAtOneMetre, readableAt } from '../spatial/textLod.ts';
import { named, usePress } from '../threads/named.ts';
import { VirtualKeyboard3D } from '../threads/VirtualKeyboard3D.tsx';
import { excerpt } from '../ui/text.ts';
import type { Panel } from '../api/chenuApi.ts';
import type { Group } from 'three';
import type { StoreApi } from 'zustand';
import type { Placement } from '../spatial/spatialLayout.ts';
import type {
  WorkspaceEditorView,
  WorkspaceFeed,
  WorkspaceFeedState,
  WorkspacePanelView,
} from './workspaceFeed.ts';

/** Where a workspace's panels stand in its room: centred ahead of the entrance. */
export const WORKSPACE_ROOM_PLAN = {
  panels: { x: 0, z: -2.6 },
  editor: { x: 0, y: 1.2, z: -1.2, rotX: -0.5 },
} as const;

/** Characters of a panel's text shown on the panel (the 2D editor, or Edit, shows it all). */
const PANEL_TEXT_CHARS = 220;
/** A panel's title and text sizes (uikit px), and its padding. */
const TITLE_PX = 40;
const TEXT_PX = 26;
const PADDING_PX = 22;
/** A panel's text level of detail (textLod.ts): nothing readable, the title only, or both. */
const LOD_LINES = 0;
const LOD_TITLE = 1;
const LOD_ALL = 2;

/** Characters shown each side of this person's own caret in the headset's editor. */
const CARET_CONTEXT = 40;

/** The text around `at` with a `|` where this person types (… where it is cut). */
export function aroundCaret(text: string, at: number): string {
  const from = Math.max(0, at - CARET_CONTEXT);
  const to = Math.min(text.length, at + CARET_CONTEXT);
  return `${from > 0 ? '…' : ''}${text.slice(from, at)}|${text.slice(at, to)}${to < text.length ? '…' : ''}`;
}

/** The text with a `|` where each other editor's caret is, and who they are. */
export function withCarets(text: string, carets: readonly WorkspaceEditorView[]): string {
  const at = [...carets].sort((a, b) => b.cursorIndex - a.cursorIndex);
  let out = text;
  for (const c of at) {
    const i = Math.min(c.cursorIndex, out.length);
    out = `${out.slice(0, i)}|${out.slice(i)}`;
  }
  return out;
}

function Button({
  name,
  label,
  onPress,
  primary,
}: {
  name: string;
  label: string;
  onPress: () => void;
  primary?: boolean;
}) {
  const press = usePress(onPress);
  return (
    <Container
      ref={named(name)}
      paddingX={18}
      paddingY={8}
      borderRadius={10}
      borderWidth={3}
      borderColor={primary ? ACCENT : BORDER}
      backgroundColor={primary ? SURFACE_ACTIVE : SURFACE}
      cursor="pointer"
      {...press}
    >
      <Text fontSize={24} color={primary ? ACCENT : INK}>
        {label}
      </Text>
    </Container>
  );
}

function WorkspacePanel3D({
  panel,
  text,
  carets,
  width,
  height,
  editing,
  canEdit,
  onEdit,
  lod = LOD_ALL,
}: {
  panel: WorkspacePanelView;
  text: string;
  carets: readonly WorkspaceEditorView[];
  width: number;
  height: number;
  editing: boolean;
  canEdit: boolean;
  onEdit: () => void;
  /** How much of its text is readable from the viewer (LOD_*). */
  lod?: number;
}) {
  const { t } = useTranslation();
  const color = PANEL_KIND_COLORS[panel.kind as Panel['kind']] ?? ACCENT;
  const inner = px(width) - 2 * PADDING_PX;
  return (
    <Container
      {...panelFontProps()}
      width={px(width)}
      height={px(height)}
      flexDirection="column"
      padding={PADDING_PX}
      gap={8}
      backgroundColor={editing ? SURFACE_ACTIVE : SURFACE}
      borderWidth={editing ? 14 : 8}
      borderColor={editing ? ACCENT : color}
      borderRadius={14}
    >
      <LodText
        readable={lod >= LOD_TITLE}
        widthPx={inner}
        fontSize={TITLE_PX}
        fontWeight="semi-bold"
        color={INK}
      >
        {panel.title}
      </LodText>
      <LodText
        readable={lod >= LOD_ALL}
        widthPx={inner}
        ref={named(`ws-text-${panel.id}`)}
        fontSize={TEXT_PX}
        color={text ? INK : MUTED}
      >
        {excerpt(withCarets(text, carets), PANEL_TEXT_CHARS) || '...'}
      </LodText>
      {carets.map((c) => (
        <Text key={c.sessionId} fontSize={22} color={ACCENT}>
          {t('places.editing', { name: c.displayName })}
        </Text>
      ))}
      {canEdit && !editing && (
        <Button name={`ws-edit-${panel.id}`} label={t('places.edit')} onPress={onEdit} />
      )}
    </Container>
  );
}

/** What the board of a workspace's panels reads: the workspace room's state. */
type BoardState = Pick<WorkspaceFeedState, 'layout' | 'panels' | 'texts' | 'editors' | 'selfId'>;

/** The panels' placements as one flat board (every panel in the plane z = 0, unturned), or null. */
export function flatBoard(placements: readonly Placement[]) {
  if (placements.length === 0 || placements.some((p) => p.rotY !== 0 || p.z !== 0)) return null;
  const minX = Math.min(...placements.map((p) => p.x - p.width / 2));
  const maxX = Math.max(...placements.map((p) => p.x + p.width / 2));
  const minY = Math.min(...placements.map((p) => p.y - p.height / 2));
  const maxY = Math.max(...placements.map((p) => p.y + p.height / 2));
  return { minX, maxX, minY, maxY };
}

/**
 * A workspace's panels laid out by its layout, each with its shared text, the others' carets and
 * who is editing it. A flat layout (grid, stack, wall) is ONE uikit root, each panel placed in it
 * absolutely: one batch of panels and one of glyphs, however many panels there are; a layout that
 * turns panels (radial, free) needs a root per panel.
 */
export function WorkspaceBoard3D({
  store,
  editing = null,
  canEdit = false,
  onEdit,
}: {
  store: StoreApi<BoardState>;
  editing?: string | null;
  canEdit?: boolean;
  onEdit?: (panelId: string) => void;
}) {
  const { t } = useTranslation();
  const layout = useStore(store, (s) => s.layout);
  const panels = useStore(store, (s) => s.panels);
  const texts = useStore(store, (s) => s.texts);
  const editors = useStore(store, (s) => s.editors);
  const selfId = useStore(store, (s) => s.selfId);
  const placements = useMemo(() => layoutWorkspace(layout, panels), [layout, panels]);
  const byId = useMemo(() => new Map(panels.map((p) => [p.id, p])), [panels]);
  const flat = useMemo(() => flatBoard(placements), [placements]);
  const frame = useRef<Group>(null);
  /** Each panel's text level of detail, by placement; `setLods` re-renders when one changes. */
  const lods = useRef<number[]>([]);
  const [lodKey, setLods] = useState('');
  useFrame(({ gl, camera }) => {
    const board = frame.current;
    if (!board) return;
    const k = pixelsPerMetreAtOneMetre(gl, camera, lodEye);
    const levels = lods.current;
    let changed = levels.length !== placements.length;
    for (let i = 0; i < placements.length; i++) {
      const p = placements[i]!;
      const was = levels[i] ?? LOD_ALL;
      const m = board.matrixWorld;
      const level = readableAt(m, p.x, p.y, p.z, TEXT_PX * PX, k, lodEye, was >= LOD_ALL)
        ? LOD_ALL
        : readableAt(m, p.x, p.y, p.z, TITLE_PX * PX, k, lodEye, was >= LOD_TITLE)
          ? LOD_TITLE
          : LOD_LINES;
      if (level !== was) changed = true;
      levels[i] = level;
    }
    if (levels.length > placements.length) levels.length = placements.length;
    if (changed) setLods(levels.join(''));
  });
  const lodOf = (i: number) => (lodKey ? Number(lodKey[i] ?? LOD_ALL) : LOD_ALL);
  const panelOf = (p: Placement, i: number) => (
    <WorkspacePanel3D
      panel={byId.get(p.id)!}
      text={texts[p.id] ?? ''}
      carets={editors.filter((e) => e.sessionId !== selfId && e.cursorPanel === p.id)}
      width={p.width}
      height={p.height}
      editing={editing === p.id}
      canEdit={canEdit}
      onEdit={() => onEdit?.(p.id)}
      lod={editing === p.id ? LOD_ALL : lodOf(i)}
    />
  );
  if (panels.length === 0) {
    return (
      <group position={[0, 1.5, 0]}>
        <Container {...panelFontProps()}>
          <Text fontSize={36} color={MUTED}>
            {t('places.empty')}
          </Text>
        </Container>
      </group>
    );
  }
  if (flat) {
    return (
      <group ref={frame}>
        <group name="ws-board" position={[(flat.minX + flat.maxX) / 2, (flat.minY + flat.maxY) / 2, 0]}>
          <Container
            {...panelFontProps()}
            width={px(flat.maxX - flat.minX)}
            height={px(flat.maxY - flat.minY)}
          >
            {placements.map((p, i) => (
              <Container
                key={p.id}
                ref={named(`ws-panel-${p.id}`)}
                positionType="absolute"
                positionLeft={px(p.x - p.width / 2 - flat.minX)}
                positionTop={px(flat.maxY - (p.y + p.height / 2))}
              >
                {panelOf(p, i)}
              </Container>
            ))}
          </Container>
        </group>
      </group>
    );
  }
  return (
    <group name="ws-board" ref={frame}>
      {placements.map((p, i) => (
        <group key={p.id} name={`ws-panel-${p.id}`} position={[p.x, p.y, p.z]} rotation-y={p.rotY}>
          <Container {...panelFontProps()}>{panelOf(p, i)}</Container>
        </group>
      ))}
    </group>
  );
}

/**
 * A workspace entered as a room: its board of panels (WorkspaceBoard3D) ahead of the entrance. An
 * editor in a headset presses Edit and types with the virtual keyboard: every key is a Yjs change
 * of the panel's text, seen by everyone at once.
 */
export default function WorkspaceRoom3D({ feed, keyboard }: { feed: WorkspaceFeed; keyboard: boolean }) {
  const { t } = useTranslation();
  const texts = useStore(feed.store, (s) => s.texts);
  const panels = useStore(feed.store, (s) => s.panels);
  const canEdit = useStore(feed.store, (s) => s.canEdit);
  const [editing, setEditing] = useState<string | null>(null);
  // where this person types in the edited panel's text (a UTF-16 index; the keyboard clamps it):
  // the ref for the keys (several presses may come before a render), the state for the view
  const caretRef = useRef(0);
  const [caret, setCaret] = useState(0);
  const edited = editing ? panels.find((p) => p.id === editing) : undefined;
  const editedText = edited ? (texts[edited.id] ?? '') : '';
  const moveCaret = (panelId: string, index: number) => {
    caretRef.current = index;
    setCaret(index);
    feed.setCursor(panelId, index);
  };
  return (
    <group name="workspace-room" position={[WORKSPACE_ROOM_PLAN.panels.x, 0, WORKSPACE_ROOM_PLAN.panels.z]}>
      <WorkspaceBoard3D
        store={feed.store}
        editing={editing}
        canEdit={canEdit && keyboard}
        onEdit={(panelId) => {
          setEditing(panelId);
          moveCaret(panelId, (feed.store.getState().texts[panelId] ?? '').length);
        }}
      />
      {edited && keyboard && (
        <group
          position={[
            WORKSPACE_ROOM_PLAN.editor.x,
            WORKSPACE_ROOM_PLAN.editor.y,
            -WORKSPACE_ROOM_PLAN.panels.z + WORKSPACE_ROOM_PLAN.editor.z,
          ]}
          rotation-x={WORKSPACE_ROOM_PLAN.editor.rotX}
        >
          <Container
            {...panelFontProps()}
            flexDirection="column"
            gap={10}
            padding={20}
            backgroundColor={SURFACE}
            borderRadius={16}
            borderWidth={4}
            borderColor={ACCENT}
          >
            <Text fontSize={28} color={INK}>
              {`${edited.title}: ${t('places.editHint')}`}
            </Text>
            <Text fontSize={24} color={INK}>
              {aroundCaret(editedText, Math.min(caret, editedText.length))}
            </Text>
            <VirtualKeyboard3D
              value={editedText}
              caret={{
                read: () => ({
                  text: feed.store.getState().texts[edited.id] ?? '',
                  caret: caretRef.current,
                }),
                onCaret: (index) => moveCaret(edited.id, index),
              }}
              onChange={(next, index) => {
                feed.setText(edited.id, next);
                moveCaret(edited.id, index);
              }}
            />
            <Container flexDirection="row" justifyContent="flex-end">
              <Button
                name="ws-edit-done"
                label={t('places.done')}
                primary
                onPress={() => {
                  setEditing(null);
                  feed.setCursor('', 0);
                }}
              />
            </Container>
          </Container>
        </group>
      )}
    </group>
  );
}
