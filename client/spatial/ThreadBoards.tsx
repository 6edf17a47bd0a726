import { Container, Text } from '@react-three/uikit';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Decision, Message, Thread } from '../api/chenuApi.ts';
import { lookState } from '../controls/DesktopControls.tsx';
import { useDataspace, useDataspaceStore } from '../room/DataspaceContext.ts';
import { arcPlacements } from './spatialLayout.ts';
import { LodText } from './LodText.tsx';
import { useSmallestReadable } from './textLod.ts';
import { BAKE_TEXELS_PER_PX, usePanelBake } from './panelBake.ts';
import { useViewCull } from './viewCull.ts';
import type { Group } from 'three';
import { tokenUseText } from '../bureau/bureauText.ts';
import { showTab } from '../hud/hudStore.ts';
import { useFormat } from '../i18n/format.ts';
import { excerpt } from '../ui/text.ts';
import { usePlace } from '../places/PlaceContext.ts';
import { named, usePress } from '../threads/named.ts';
import {
  ACCENT,
  AGENT,
  BORDER,
  INK,
  MUTED,
  SUCCESS,
  SURFACE,
  SURFACE_ACTIVE,
  panelFontProps,
  px,
} from './spatialText.ts';
import { BakedGroup } from './BakedGroup.tsx';

/** Most thread panels floating in the room (the dataspace's first open threads). */
export const MAX_THREAD_BOARDS = 6;
export const THREAD_BOARD = { width: 1.1, height: 0.9, gap: 0.15, radius: 3, y: 1.55 } as const;
const MESSAGES_SHOWN = 3;
/** The board's text sizes (uikit px), for its text level of detail (textLod.ts). */
const BOARD_FONT_SIZES = [22, 26, 40] as const;
const DECISIONS_SHOWN = 2;

/** The threads floating in the room: open ones, in the API's order, at most MAX_THREAD_BOARDS. */
export function boardThreads(threads: readonly Thread[]): Thread[] {
  return threads.filter((t) => t.status === 'open').slice(0, MAX_THREAD_BOARDS);
}

function Board({
  thread,
  messages,
  decisions,
  open,
  onOpen,
}: {
  thread: Thread;
  messages: readonly Message[] | undefined;
  decisions: readonly Decision[] | undefined;
  open: boolean;
  onOpen: () => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const use = tokenUseText(
    { used: thread.tokens_consumed, budget: thread.token_budget, held: thread.tokens_reserved },
    t,
    fmt,
  );
  const at = useRef<Group>(null);
  const smallest = useSmallestReadable(at, BOARD_FONT_SIZES);
  // the board grows with its text past its minimum height: a generous bound
  useViewCull(at, Math.hypot(THREAD_BOARD.width, 2 * THREAD_BOARD.height) / 2);
  usePanelBake(at, BAKE_TEXELS_PER_PX.far, 'covering');
  const inner = px(THREAD_BOARD.width) - 44;
  // hover: a thicker accent frame, the same feedback the selected board keeps
  return (
    <group ref={at}>
      <Container
        {...panelFontProps()}
        width={px(THREAD_BOARD.width)}
        minHeight={px(THREAD_BOARD.height)}
        flexDirection="column"
        padding={22}
        gap={8}
        backgroundColor={open ? SURFACE_ACTIVE : SURFACE}
        borderWidth={open ? 8 : 3}
        borderColor={open ? ACCENT : BORDER}
        borderRadius={16}
        hover={{ borderColor: ACCENT, borderWidth: 8 }}
        onClick={onOpen}
        cursor="pointer"
      >
        <LodText readable={40 >= smallest} widthPx={inner} fontSize={40} fontWeight="semi-bold" color={INK}>
          {thread.title}
        </LodText>
        {messages === undefined && (
          <Text fontSize={26} color={MUTED}>
            …
          </Text>
        )}
        {messages?.length === 0 && (
          <Text fontSize={26} color={MUTED}>
            {t('spatial.noMessage')}
          </Text>
        )}
        {messages?.slice(-MESSAGES_SHOWN).map((m) => (
          <LodText
            key={m.id}
            readable={26 >= smallest}
            widthPx={inner}
            fontSize={26}
            color={m.author_kind === 'agent' ? AGENT : INK}
          >
            {excerpt(m.body, 110)}
          </LodText>
        ))}
        {decisions?.slice(0, DECISIONS_SHOWN).map((d) => (
          <LodText key={d.id} readable={26 >= smallest} widthPx={inner} fontSize={26} color={SUCCESS}>
            {`+ ${excerpt(d.title, 80)}`}
          </LodText>
        ))}
        <LodText readable={22 >= smallest} widthPx={inner} fontSize={22} color={open ? ACCENT : MUTED}>
          {`${open ? t('spatial.openHere') : t('spatial.selectToOpen')} · ${use}`}
        </LodText>
        <EnterButton name={`enter-thread-${thread.id}`} place={`thread:${thread.id}`} />
      </Container>
    </group>
  );
}

/** A door into a thread's or workspace's own room (issue 16), on its board or over its panels. */
export function EnterButton({ name, place }: { name: string; place: string }) {
  const { t } = useTranslation();
  const nav = usePlace();
  const press = usePress(() => nav?.enter(place));
  if (!nav) return null;
  return (
    <Container
      ref={named(name)}
      alignSelf="flex-start"
      paddingX={18}
      paddingY={8}
      borderRadius={10}
      borderWidth={3}
      borderColor={ACCENT}
      hover={{ backgroundColor: SURFACE_ACTIVE }}
      cursor="pointer"
      {...press}
      onClick={(e) => e.stopPropagation()}
    >
      <Text fontSize={24} color={ACCENT}>
        {t('places.enter')}
      </Text>
    </Container>
  );
}

/**
 * The dataspace's open threads as floating panels on an arc (centred on their group, facing a viewer
 * on +z): title, latest messages, decisions, token use. Selecting one opens it in the thread panel
 * (the 2D overlay on desktop and mobile, the 3D panel in XR), where messages are posted and decisions
 * recorded. Panels of threads not loaded yet read their messages once.
 */
export function ThreadBoards() {
  const { t: translate } = useTranslation();
  const ds = useDataspaceStore();
  const threads = useDataspace((s) => s.threads);
  const messages = useDataspace((s) => s.messages);
  const decisions = useDataspace((s) => s.decisions);
  const openId = useDataspace((s) => s.openThreadId);
  const shown = useMemo(() => boardThreads(threads), [threads]);
  const placements = useMemo(
    () =>
      arcPlacements(
        shown.map((t) => ({ id: t.id, width: THREAD_BOARD.width, height: THREAD_BOARD.height })),
        { radius: THREAD_BOARD.radius, gap: THREAD_BOARD.gap, y: THREAD_BOARD.y },
      ),
    [shown],
  );
  const asked = useRef(new Set<string>());
  useEffect(() => {
    for (const t of shown) {
      if (ds.getState().messages[t.id] || asked.current.has(t.id)) continue;
      asked.current.add(t.id);
      void ds.refreshThread(t.id);
    }
  }, [ds, shown]);
  return (
    <group name="thread-boards">
      {shown.length === 0 && (
        <BakedGroup position={[0, 1.5, 0]}>
          <Container {...panelFontProps()} flexDirection="column" alignItems="center" maxWidth={px(2.4)}>
            <Text fontSize={30} color={MUTED} textAlign="center">
              {translate('spatial.threadsEmpty')}
            </Text>
          </Container>
        </BakedGroup>
      )}
      {placements.map((p, i) => {
        const t = shown[i]!;
        return (
          <group key={t.id} name={`thread-board-${t.id}`} position={[p.x, p.y, p.z]} rotation-y={p.rotY}>
            <Board
              thread={t}
              messages={messages[t.id]}
              decisions={decisions[t.id]}
              open={t.id === openId}
              onOpen={() => {
                // the end of a drag-to-look is not a selection
                if (lookState.controls?.wasDrag()) return;
                showTab('thread');
                void ds.openThread(t.id);
              }}
            />
          </group>
        );
      })}
    </group>
  );
}
