import { Container, Text } from '@react-three/uikit';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Object3D } from 'three';
import type { AgentRun, ChenuApi, Decision, Message, Thread } from '../api/chenuApi.ts';
import { tokenUseText } from '../bureau/bureauText.ts';
import { useFormat } from '../i18n/format.ts';
import { useDataspace, useDataspaceStore } from '../room/DataspaceContext.ts';
import {
  ACCENT,
  AGENT,
  BORDER,
  ERROR,
  INK,
  MUTED,
  SUCCESS,
  SURFACE,
  panelFontProps,
  px,
} from '../spatial/spatialText.ts';
import { agentStreams, type LiveRun } from '../threads/agentStreams.ts';
import { named, usePress } from '../threads/named.ts';
import {
  runLine,
  runnerText,
  runPhase,
  usePeopleNames,
  useThreadRuns,
  type RunPhase,
} from '../threads/threadRuns.ts';
import { useSession } from '../session/SessionContext.ts';
import { excerpt } from '../ui/text.ts';
import { WALL_ROWS, loadThreadMessages, mergeMessages, wallStart } from './threadMessages.ts';

/**
 * Where the parts of a thread's room stand (m): the wall ahead of the entrance (a viewer enters at
 * z = 4 facing -z), the decisions and runs turned towards it on either side.
 */
export const THREAD_ROOM_PLAN = {
  wall: { x: 0, y: 1.7, z: 1.2, width: 2.6 },
  pinned: { x: -2.2, y: 1.7, z: 1.7, rotY: Math.PI / 5, width: 1.3 },
  runs: { x: 2.2, y: 1.7, z: 1.7, rotY: -Math.PI / 5, width: 1.3 },
} as const;

const NO_DECISIONS: never[] = [];

function WallButton({
  name,
  label,
  disabled,
  onPress,
}: {
  name: string;
  label: string;
  disabled: boolean;
  onPress: () => void;
}) {
  const press = usePress(() => !disabled && onPress());
  return (
    <Container
      ref={named(name)}
      paddingX={20}
      paddingY={8}
      borderRadius={10}
      borderWidth={3}
      borderColor={disabled ? BORDER : ACCENT}
      cursor={disabled ? undefined : 'pointer'}
      {...press}
    >
      <Text fontSize={26} color={disabled ? MUTED : ACCENT}>
        {label}
      </Text>
    </Container>
  );
}

/**
 * The message stream as a readable wall: up to WALL_MAX_MESSAGES of the thread's newest messages are
 * read, but only WALL_ROWS of them are laid out as text at a time (one uikit root), so a thread of
 * 500 messages costs what 12 do; Older / Newer move the window (`wall-older`, `wall-newer`).
 */
export function MessageWall({ messages, loading }: { messages: readonly Message[]; loading: boolean }) {
  const { t } = useTranslation();
  // null: follow the newest messages as they arrive
  const [pinnedStart, setPinnedStart] = useState<number | null>(null);
  const total = messages.length;
  const start = wallStart(total, pinnedStart ?? total);
  const shown = messages.slice(start, start + WALL_ROWS);
  const move = (by: number) => {
    const next = wallStart(total, start + by);
    setPinnedStart(next >= total - WALL_ROWS ? null : next);
  };
  return (
    <Container
      {...panelFontProps()}
      ref={named('thread-wall')}
      width={px(THREAD_ROOM_PLAN.wall.width)}
      flexDirection="column"
      padding={28}
      gap={10}
      backgroundColor={SURFACE}
      borderWidth={4}
      borderColor={BORDER}
      borderRadius={18}
    >
      <Container flexDirection="row" justifyContent="space-between" alignItems="center">
        <Text fontSize={40} fontWeight="semi-bold" color={INK}>
          {t('places.wallTitle')}
        </Text>
        <Text fontSize={26} color={MUTED}>
          {loading
            ? t('places.loading')
            : t('places.wallRange', { from: total ? start + 1 : 0, to: start + shown.length, total })}
        </Text>
      </Container>
      {shown.map((m) => (
        <Text key={m.id} fontSize={28} color={m.author_kind === 'agent' ? AGENT : INK}>
          {excerpt(m.body, 160)}
        </Text>
      ))}
      <Container flexDirection="row" gap={12} justifyContent="flex-end">
        <WallButton
          name="wall-older"
          label={t('places.older')}
          disabled={start === 0}
          onPress={() => move(-WALL_ROWS)}
        />
        <WallButton
          name="wall-newer"
          label={t('places.newer')}
          disabled={start + WALL_ROWS >= total}
          onPress={() => move(WALL_ROWS)}
        />
      </Container>
    </Container>
  );
}

/** The thread's decisions, pinned beside the wall. */
function Pinned({ decisions }: { decisions: readonly Decision[] }) {
  const { t } = useTranslation();
  return (
    <Container
      {...panelFontProps()}
      width={px(THREAD_ROOM_PLAN.pinned.width)}
      flexDirection="column"
      padding={24}
      gap={10}
      backgroundColor={SURFACE}
      borderWidth={4}
      borderColor={SUCCESS}
      borderRadius={16}
    >
      <Text fontSize={34} fontWeight="semi-bold" color={SUCCESS}>
        {t('places.pinned')}
      </Text>
      {decisions.length === 0 && (
        <Text fontSize={26} color={MUTED}>
          {t('places.noDecision')}
        </Text>
      )}
      {decisions.slice(0, 8).map((d) => (
        <Text key={d.id} fontSize={26} color={INK}>
          {`+ ${excerpt(d.title, 90)}`}
        </Text>
      ))}
    </Container>
  );
}

/** The colour of a run's line by its phase. */
function phaseColor(phase: RunPhase) {
  if (phase === 'completed') return SUCCESS;
  if (phase === 'failed' || phase === 'rejected') return ERROR;
  if (phase === 'cancelled') return MUTED;
  return INK;
}

/**
 * The thread's agent runs, newest first, each with its agent, status and tokens (the API's list,
 * RUNS_SHOWN of them; each line named `thread-run-<id>` with its phase in `userData.phase` for
 * end-to-end tests), a run streaming now that the list has not caught yet, and the token use.
 */
function RunsAndTokens({
  thread,
  live,
  runs,
  who,
}: {
  thread: Thread | undefined;
  live: readonly LiveRun[];
  runs: readonly AgentRun[] | null;
  who: (run: AgentRun) => string;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const listed = useMemo(() => new Set(runs?.map((r) => r.id)), [runs]);
  const streaming = live.filter((r) => !listed.has(r.executionId));
  const use = thread
    ? tokenUseText(
        { used: thread.tokens_consumed, budget: thread.token_budget, held: thread.tokens_reserved },
        t,
        fmt,
      )
    : '';
  return (
    <Container
      {...panelFontProps()}
      ref={named('thread-room-runs')}
      width={px(THREAD_ROOM_PLAN.runs.width)}
      flexDirection="column"
      padding={24}
      gap={10}
      backgroundColor={SURFACE}
      borderWidth={4}
      borderColor={AGENT}
      borderRadius={16}
    >
      <Text fontSize={34} fontWeight="semi-bold" color={AGENT}>
        {t('places.runs')}
      </Text>
      {streaming.map((r) => (
        <Text key={r.executionId} fontSize={26} color={r.failed ? ERROR : INK}>
          {`${r.agent} · ${r.failed ? t('runs.phase.failed') : t('runs.phase.running')}`}
        </Text>
      ))}
      {runs?.map((r) => {
        const phase = runPhase(r.status);
        return (
          <Text
            key={r.id}
            ref={(o: Object3D | null) => {
              if (!o) return;
              o.name = `thread-run-${r.id}`;
              o.userData.phase = phase;
            }}
            fontSize={24}
            color={phaseColor(phase)}
          >
            {[runLine(r, t, fmt), who(r)].filter(Boolean).join(' · ')}
          </Text>
        );
      })}
      {streaming.length === 0 && runs?.length === 0 && (
        <Text fontSize={26} color={MUTED}>
          {t('places.noRun')}
        </Text>
      )}
      {runs === null && (
        <Text fontSize={26} color={MUTED}>
          {t('runs.loading')}
        </Text>
      )}
      <Text fontSize={30} fontWeight="semi-bold" color={ACCENT}>
        {t('places.tokens')}
      </Text>
      <Text ref={named('thread-room-tokens')} fontSize={26} color={INK}>
        {use}
      </Text>
    </Container>
  );
}

/** What a thread's room shows. */
export interface ThreadRoomData {
  messages: readonly Message[];
  loading: boolean;
  decisions: readonly Decision[];
  thread: Thread | undefined;
  live: readonly LiveRun[];
  /** The thread's newest runs from the API (null while the first read is on its way). */
  runs: readonly AgentRun[] | null;
  /** Who asked for a run, in words (default: nobody named). */
  who?: (run: AgentRun) => string;
}

const NOBODY = () => '';

/** A thread's room as it is drawn (the data read by ThreadRoom3D): wall, pinned decisions, runs. */
export function ThreadRoomView({
  messages,
  loading,
  decisions,
  thread,
  live,
  runs,
  who = NOBODY,
}: ThreadRoomData) {
  const plan = THREAD_ROOM_PLAN;
  const { wall, pinned } = plan;
  return (
    <group name="thread-room">
      <group position={[wall.x, wall.y, wall.z]}>
        <MessageWall messages={messages} loading={loading} />
      </group>
      <group position={[pinned.x, pinned.y, pinned.z]} rotation-y={pinned.rotY}>
        <Pinned decisions={decisions} />
      </group>
      <group position={[plan.runs.x, plan.runs.y, plan.runs.z]} rotation-y={plan.runs.rotY}>
        <RunsAndTokens thread={thread} live={live} runs={runs} who={who} />
      </group>
    </group>
  );
}

/**
 * A thread entered as a room: its messages as a wall ahead, its decisions pinned on the left, its
 * agent runs (the API's list, read again on the room's run events) and token use on the right. The wall reads the thread's newest messages once, then adds
 * what the room's events bring (the dataspace store's latest page).
 */
export default function ThreadRoom3D({
  threadId,
  api,
}: {
  threadId: string;
  api: Pick<ChenuApi, 'messagePage' | 'threadRuns' | 'members'>;
}) {
  const ds = useDataspaceStore();
  const latest = useDataspace((s) => s.messages[threadId]);
  const [messages, setMessages] = useState<Message[] | null>(null);
  useEffect(() => {
    let live = true;
    void ds.refreshThread(threadId);
    loadThreadMessages(api, threadId).then(
      (all) => live && setMessages(all),
      () => live && setMessages([]),
    );
    return () => void (live = false);
  }, [api, ds, threadId]);
  const merged = useMemo(
    () => (messages && latest ? mergeMessages(messages, latest) : (messages ?? [])),
    [messages, latest],
  );
  const decisions = useDataspace((s) => s.decisions[threadId]) ?? NO_DECISIONS;
  const thread = useDataspace((s) => s.threads.find((x) => x.id === threadId));
  const runs = useStore(agentStreams, (s) => s.runs);
  const live = useMemo(() => Object.values(runs).filter((r) => r.threadId === threadId), [runs, threadId]);
  const listed = useThreadRuns(api, threadId);
  const { t } = useTranslation();
  const me = useSession((s) => s.activeIdentityId);
  const names = usePeopleNames(api, listed.runs?.[0]?.dataspace_id);
  const who = useCallback((run: AgentRun) => runnerText(run, me, names, t), [me, names, t]);
  return (
    <ThreadRoomView
      messages={merged}
      loading={messages === null}
      decisions={decisions}
      thread={thread}
      live={live}
      runs={listed.runs}
      who={who}
    />
  );
}
