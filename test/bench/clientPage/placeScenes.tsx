/**
 * The thread room and the workspace room of issue 16 for the client bench: a thread of 500
 * messages and a workspace of 50 panels, drawn by the product's components (ThreadRoomView,
 * WorkspaceBoard3D) and by the naive way one writes them — a uikit root per message card and per
 * panel, every message laid out — from the same fixture data (seeded, never the clock).
 */
import { Container, Text } from '@react-three/uikit';
import { createStore } from 'zustand/vanilla';
import type { AgentRun, Decision, Message, Thread } from '../../../client/api/chenuApi.ts';
import { ThreadRoomView, THREAD_ROOM_PLAN } from '../../../client/places/ThreadRoom3D.tsx';
import { WorkspaceBoard3D, WORKSPACE_ROOM_PLAN } from '../../../client/places/WorkspaceRoom3D.tsx';
import type { WorkspaceFeedState } from '../../../client/places/workspaceFeed.ts';
import { layoutWorkspace } from '../../../client/spatial/spatialLayout.ts';
import { BORDER, INK, SURFACE, panelFontProps, px } from '../../../client/spatial/spatialText.ts';
import { RUNS_SHOWN } from '../../../client/threads/threadRuns.ts';
import { excerpt } from '../../../client/ui/text.ts';

export const THREAD_MESSAGES = 500;
export const WORKSPACE_PANELS = 50;

const WORDS = [
  'toiture',
  'balcon',
  'bail',
  'loyer',
  'devis',
  'plancher',
  'fenêtre',
  'peinture',
  'chantier',
  'échéance',
];

/** Seeded words: the same text on both sides and every run. */
function sentence(i: number, words: number): string {
  let x = (i * 2654435761) >>> 0;
  const out: string[] = [];
  for (let w = 0; w < words; w++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]!);
  }
  return `${i + 1}. ${out.join(' ')}.`;
}

const T0 = Date.UTC(2026, 0, 1);
const THREAD_ID = '00000000-0000-4000-8000-000000000001';
const messages: Message[] = Array.from({ length: THREAD_MESSAGES }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  identity_id: THREAD_ID,
  thread_id: THREAD_ID,
  author_identity_id: null,
  author_kind: i % 7 === 0 ? 'agent' : 'human',
  agent_execution_id: null,
  body: sentence(i, 14),
  created_at: new Date(T0 + i * 60_000).toISOString(),
}));
const decisions: Decision[] = Array.from({ length: 6 }, (_, i) => ({
  id: `00000000-0000-4000-8001-${String(i).padStart(12, '0')}`,
  identity_id: THREAD_ID,
  thread_id: THREAD_ID,
  message_id: null,
  title: sentence(1000 + i, 4),
  rationale: '',
  status: 'accepted',
  decided_at: null,
  created_at: new Date(T0).toISOString(),
}));
const RUN_STATUSES = ['succeeded', 'awaiting_review', 'failed', 'cancelled'] as const;
/** The runs panel full: RUNS_SHOWN runs, as the room shows at most. */
const runs: AgentRun[] = Array.from({ length: RUNS_SHOWN }, (_, i) => ({
  id: `00000000-0000-4000-8003-${String(i).padStart(12, '0')}`,
  thread_id: THREAD_ID,
  dataspace_id: THREAD_ID,
  agent_id: THREAD_ID,
  agent_slug: 'summarizer',
  agent_name: 'Résumeur',
  status: RUN_STATUSES[i % RUN_STATUSES.length]!,
  task_type: 'summarize_thread',
  intent_excerpt: sentence(2000 + i, 6),
  tokens_estimated: 400,
  tokens_reserved: i % 4 === 1 ? 400 : 0,
  tokens_used: i % 4 === 0 ? 250 : 0,
  runner_identity_id: null,
  started_at: new Date(T0 + i * 60_000).toISOString(),
  finished_at: new Date(T0 + i * 60_000 + 5_000).toISOString(),
  created_at: new Date(T0 + i * 60_000).toISOString(),
}));
const thread = {
  id: THREAD_ID,
  title: 'Bench thread',
  status: 'open',
  token_budget: 50_000,
  tokens_consumed: 12_345,
  tokens_reserved: 0,
} as Thread;

/** The thread's room as the product draws it. */
export function ThreadScene() {
  return (
    <ThreadRoomView
      messages={messages}
      loading={false}
      decisions={decisions}
      thread={thread}
      live={[]}
      runs={runs}
    />
  );
}

/** Every message a card of its own (a uikit root each), stacked down the wall. */
export function NaiveThreadScene() {
  const { wall } = THREAD_ROOM_PLAN;
  return (
    <group position={[wall.x, wall.y, wall.z]}>
      {messages.map((m, i) => (
        <group key={m.id} position={[0, 0.6 - i * 0.06, 0]}>
          <Container
            {...panelFontProps()}
            width={px(wall.width)}
            padding={8}
            backgroundColor={SURFACE}
            borderWidth={2}
            borderColor={BORDER}
          >
            <Text fontSize={28} color={INK}>
              {excerpt(m.body, 160)}
            </Text>
          </Container>
        </group>
      ))}
    </group>
  );
}

const panels = Array.from({ length: WORKSPACE_PANELS }, (_, i) => ({
  id: `00000000-0000-4000-8002-${String(i).padStart(12, '0')}`,
  kind: i % 3 === 0 ? 'notes' : i % 3 === 1 ? 'tasks' : 'document',
  title: `Panneau ${i + 1}`,
  position: i,
  layout: {},
}));
const workspaceStore = createStore<WorkspaceFeedState>()(() => ({
  selfId: 'bench',
  name: 'Bench workspace',
  layout: 'grid',
  version: 1,
  panels,
  editors: [],
  texts: Object.fromEntries(panels.map((p, i) => [p.id, sentence(2000 + i, 20)])),
  revision: 0,
  savedRevision: 0,
  refusal: null,
  canEdit: false,
}));

/** The workspace's 50 panels as the product draws them. */
export function WorkspaceScene() {
  return (
    <group position={[WORKSPACE_ROOM_PLAN.panels.x, 0, WORKSPACE_ROOM_PLAN.panels.z]}>
      <WorkspaceBoard3D store={workspaceStore} />
    </group>
  );
}

/** Every panel a uikit root of its own, at the same places, with the same words. */
export function NaiveWorkspaceScene() {
  const { texts } = workspaceStore.getState();
  const placements = layoutWorkspace('grid', panels);
  return (
    <group position={[WORKSPACE_ROOM_PLAN.panels.x, 0, WORKSPACE_ROOM_PLAN.panels.z]}>
      {placements.map((p) => (
        <group key={p.id} position={[p.x, p.y, p.z]}>
          <Container
            {...panelFontProps()}
            width={px(p.width)}
            height={px(p.height)}
            flexDirection="column"
            padding={22}
            gap={8}
            backgroundColor={SURFACE}
            borderWidth={8}
            borderColor={BORDER}
            borderRadius={14}
          >
            <Text fontSize={40} fontWeight="semi-bold" color={INK}>
              {panels.find((x) => x.id === p.id)!.title}
            </Text>
            <Text fontSize={26} color={INK}>
              {excerpt(texts[p.id] ?? '', 220)}
            </Text>
          </Container>
        </group>
      ))}
    </group>
  );
}
