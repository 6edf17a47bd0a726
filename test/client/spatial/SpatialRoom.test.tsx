// @vitest-environment jsdom
import ReactThreeTestRenderer from '@react-three/test-renderer';
import { createClient } from '@supabase/supabase-js';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { Color, InstancedMesh, Matrix4, Vector3, type Object3D } from 'three';
import { describe, expect, it } from 'vitest';
import {
  createChenuApi,
  type Meeting,
  type MemoryItem,
  type Panel,
  type Thread,
  type Workspace,
} from '../../../client/api/chenuApi.ts';
import type { MeetingFeed, MeetingSnapshot } from '../../../client/meetings/meetingFeed.ts';
import { initI18n } from '../../../client/i18n/i18n.ts';
import { createMeetingsStore } from '../../../client/meetings/meetingStore.ts';
import { createDataspaceStore } from '../../../client/room/dataspaceStore.ts';
import { SEAT_COLORS } from '../../../client/spatial/MeetingTable.tsx';
import { MEMORY_KIND_COLORS, PROPOSED_COLOR } from '../../../client/spatial/MemoryWall.tsx';
import SpatialRoom from '../../../client/spatial/SpatialRoom.tsx';
import { SpatialNotice } from '../../../client/spatial/SpatialNotice.tsx';
import { layoutWorkspace, memoryWall } from '../../../client/spatial/spatialLayout.ts';
import { createSpatialStore } from '../../../client/spatial/spatialStore.ts';
import { serveAppAssets } from '../../helpers/appAssets.ts';

initI18n({ lng: 'en' });

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// the panels' MSDF fonts come from the app's own assets, served on loopback as the page would
serveAppAssets();

const T = '2026-11-27T12:00:00.000Z';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const IDENTITY = uuid(1);
const DATASPACE = uuid(2);
const kinds: MemoryItem['kind'][] = ['fact', 'preference', 'summary', 'decision', 'task', 'note'];

function memoryItem(i: number, patch: Partial<MemoryItem> = {}): MemoryItem {
  return {
    id: uuid(1000 + i),
    identity_id: IDENTITY,
    dataspace_id: DATASPACE,
    thread_id: null,
    source_type: 'user',
    source_id: null,
    kind: kinds[i % kinds.length]!,
    content: `Élément ${i} : budget maximal de la cuisine, 25 000 $.`,
    sensitive: false,
    status: 'committed',
    origin: 'human',
    proposed_by_execution_id: null,
    expires_at: null,
    forgotten_at: null,
    created_at: T,
    updated_at: T,
    ...patch,
  };
}

const workspace = (n: number, layout: Workspace['layout']): Workspace => ({
  id: uuid(2000 + n),
  identity_id: IDENTITY,
  dataspace_id: DATASPACE,
  name: `Espace ${n}`,
  layout,
  state: {},
  version: 1,
  created_at: T,
  updated_at: T,
});

const panel = (ws: Workspace, n: number, kind: Panel['kind'], layout: unknown): Panel => ({
  id: uuid(3000 + n),
  identity_id: IDENTITY,
  workspace_id: ws.id,
  kind,
  title: `Panneau ${n}`,
  ref_id: null,
  position: n,
  layout,
  content: { text: 'Premières idées' },
  created_at: T,
  updated_at: T,
});

const thread = (n: number, status: Thread['status']): Thread =>
  ({
    id: uuid(4000 + n),
    identity_id: IDENTITY,
    dataspace_id: DATASPACE,
    title: `Fil ${n}`,
    status,
    schema_version: 1,
    token_budget: 1000,
    tokens_consumed: 10 * n,
    tokens_reserved: 0,
    scope_locked: false,
    scope_locked_at: null,
    encoding_profile_id: null,
    last_activity_at: T,
    created_at: T,
    updated_at: T,
  }) as Thread;

const meeting = { id: uuid(5000), title: 'Planification', status: 'live' } as Meeting;

const api = createChenuApi(
  createClient('http://127.0.0.1:9', 'anon', { auth: { persistSession: false, autoRefreshToken: false } }),
);

/** The stores of a room, filled with what the API would have answered (never called here). */
function stores() {
  const spatial = createSpatialStore(api);
  const ds = createDataspaceStore(api);
  const feed = {
    onChange: () => () => {},
    onRefusal: () => () => {},
    leave: async () => {},
  } as unknown as MeetingFeed;
  const meetings = createMeetingsStore(api, () => Promise.resolve(feed));
  return { spatial, ds, meetings };
}

const find = (root: Object3D, name: string) => root.getObjectByName(name);
const _m = new Matrix4();
const _v = new Vector3();
const _c = new Color();

describe('SpatialRoom (memory wall, workspaces, thread panels, meeting table)', () => {
  it('draws many memory cards with ONE instanced mesh, laid out on the wall, coloured by kind and status', async () => {
    const { spatial, ds, meetings } = stores();
    const items = Array.from({ length: 120 }, (_, i) =>
      memoryItem(i, i === 7 ? { status: 'proposed', origin: 'agent' } : {}),
    );
    spatial.setState({ memory: items });
    const r = await ReactThreeTestRenderer.create(
      <SpatialRoom spatial={spatial} dataspace={ds} meetings={meetings} />,
    );
    await r.advanceFrames(1, 16);
    const root = spatial.root!;
    expect(root.name).toBe('spatial-room');
    const backs: InstancedMesh[] = [];
    root.traverse((o) => o instanceof InstancedMesh && o.name === 'memory-card-backs' && backs.push(o));
    expect(backs).toHaveLength(1);
    const mesh = backs[0]!;
    expect(mesh.count).toBe(120);
    expect(mesh.userData.itemIds).toEqual(items.map((it) => it.id));
    const wall = memoryWall(120);
    for (const i of [0, 7, 119]) {
      mesh.getMatrixAt(i, _m);
      _v.setFromMatrixPosition(_m);
      expect(_v.x).toBeCloseTo(wall.slots[i]!.x, 5);
      expect(_v.y).toBeCloseTo(wall.slots[i]!.y, 5);
    }
    mesh.getColorAt(0, _c);
    expect(_c.getHexString()).toBe(new Color(MEMORY_KIND_COLORS.fact).getHexString());
    mesh.getColorAt(7, _c);
    expect(_c.getHexString()).toBe(new Color(PROPOSED_COLOR).getHexString());

    // fewer items: the same single mesh kind, rebuilt to the new count
    await ReactThreeTestRenderer.act(async () => spatial.setState({ memory: items.slice(0, 3) }));
    const again: InstancedMesh[] = [];
    root.traverse((o) => o instanceof InstancedMesh && o.name === 'memory-card-backs' && again.push(o));
    expect(again.map((m) => m.count)).toEqual([3]);
    // no meeting in this dataspace: no table
    expect(find(root, 'meeting-table')).toBeUndefined();
    await r.unmount();
    expect(spatial.root).toBeNull();
  });

  it('places every workspace panel where the Layout engine puts it', async () => {
    const { spatial, ds, meetings } = stores();
    const grid = workspace(1, 'grid');
    const radial = workspace(2, 'radial');
    const gridPanels = [
      panel(grid, 1, 'thread', { col: 0, row: 0, w: 1, h: 1 }),
      panel(grid, 2, 'notes', { col: 1, row: 0, w: 1, h: 1 }),
    ];
    const radialPanels = [
      panel(radial, 3, 'chart', {}),
      panel(radial, 4, 'estimate', {}),
      panel(radial, 5, 'media', {}),
    ];
    spatial.setState({
      workspaces: [
        { workspace: grid, panels: gridPanels, error: null },
        { workspace: radial, panels: radialPanels, error: null },
      ],
    });
    const r = await ReactThreeTestRenderer.create(
      <SpatialRoom spatial={spatial} dataspace={ds} meetings={meetings} />,
    );
    const root = spatial.root!;
    for (const [ws, panels] of [
      [grid, gridPanels],
      [radial, radialPanels],
    ] as const) {
      expect(find(root, `workspace-${ws.id}`)).toBeDefined();
      for (const p of layoutWorkspace(ws.layout, panels)) {
        const g = find(root, `workspace-panel-${p.id}`)!;
        expect(g.position.toArray()).toEqual([p.x, p.y, p.z]);
        expect(g.rotation.y).toBe(p.rotY);
        expect(g.userData.kind).toBe(panels.find((x) => x.id === p.id)!.kind);
      }
    }
    // the two workspaces stand side by side, not on top of each other
    const a = find(root, `workspace-${grid.id}`)!.parent!.position.x;
    const b = find(root, `workspace-${radial.id}`)!.parent!.position.x;
    expect(b).toBeGreaterThan(a + 1.5);
    await r.unmount();
  });

  it('floats the open threads (not archived ones) as panels in the room', async () => {
    const { spatial, ds, meetings } = stores();
    const threads = [thread(1, 'open'), thread(2, 'archived'), thread(3, 'open')];
    ds.setState({
      threads,
      openThreadId: threads[0]!.id,
      messages: Object.fromEntries(threads.map((t) => [t.id, []])),
      decisions: Object.fromEntries(threads.map((t) => [t.id, []])),
    });
    const r = await ReactThreeTestRenderer.create(
      <SpatialRoom spatial={spatial} dataspace={ds} meetings={meetings} />,
    );
    const root = spatial.root!;
    expect(find(root, `thread-board-${threads[0]!.id}`)).toBeDefined();
    expect(find(root, `thread-board-${threads[1]!.id}`)).toBeUndefined();
    expect(find(root, `thread-board-${threads[2]!.id}`)).toBeDefined();
    // selecting a floating panel opens its thread (in the thread panel, where posting happens)
    const clickable = r.scene.findAll((n) => typeof n.props.onClick === 'function');
    expect(clickable).toHaveLength(2);
    const board = clickable.find((n) => {
      let o: Object3D | null = n.instance as unknown as Object3D;
      while (o && !o.name.startsWith('thread-board-')) o = o.parent;
      return o?.name === `thread-board-${threads[2]!.id}`;
    })!;
    await r.fireEvent(board, 'onClick');
    expect(ds.getState().openThreadId).toBe(threads[2]!.id);
    await r.unmount();
  });

  it('seats the joined meeting around the table, highlights the speaker and raised hands, labels face the viewer', async () => {
    const { spatial, ds, meetings } = stores();
    meetings.setState({ meetings: [meeting] });
    const r = await ReactThreeTestRenderer.create(
      <SpatialRoom spatial={spatial} dataspace={ds} meetings={meetings} />,
    );
    const root = spatial.root!;
    expect(find(root, 'meeting-table')).toBeDefined();
    expect((find(root, 'meeting-seats') as InstancedMesh).count).toBe(0);

    const live: MeetingSnapshot = {
      selfId: 's-bob',
      meetingId: meeting.id,
      title: meeting.title,
      agenda: [],
      agendaIndex: 0,
      participants: [
        {
          sessionId: 's-alice',
          identityId: 'i-alice',
          displayName: 'Alice',
          role: 'host',
          access: 'owner',
          handRaised: false,
        },
        {
          sessionId: 's-bob',
          identityId: 'i-bob',
          displayName: 'Bob',
          role: 'participant',
          access: 'participant',
          handRaised: false,
        },
        {
          sessionId: 's-chloe',
          identityId: 'i-chloe',
          displayName: 'Chloé',
          role: 'participant',
          access: 'seat',
          handRaised: true,
        },
      ],
      speakerQueue: ['s-chloe'],
      speaker: 's-alice',
      timerEndsAt: null,
      notes: [],
    };
    await ReactThreeTestRenderer.act(async () => meetings.setState({ live }));
    await r.advanceFrames(1, 16);
    const seats = find(root, 'meeting-seats') as InstancedMesh;
    expect(seats.count).toBe(3);
    expect(seats.userData.sessionIds).toEqual(['s-alice', 's-bob', 's-chloe']);
    const colors = [0, 1, 2].map((i) => (seats.getColorAt(i, _c), `#${_c.getHexString()}`));
    expect(colors).toEqual([SEAT_COLORS.speaking, SEAT_COLORS.self, SEAT_COLORS.hand]);
    expect(find(root, 'meeting-seat-s-alice')!.userData).toEqual({ speaking: true, handRaised: false });
    expect(find(root, 'meeting-seat-s-chloe')!.userData).toEqual({ speaking: false, handRaised: true });
    // each seat label turned toward the camera after a frame
    const label = find(root, 'meeting-seat-s-chloe')!;
    const world = label.getWorldPosition(new Vector3());
    const cam = findCamera(r).getWorldPosition(new Vector3());
    expect(label.rotation.y).toBeCloseTo(Math.atan2(cam.x - world.x, cam.z - world.z), 6);

    // the speaker passes the floor: colours follow the room state
    await ReactThreeTestRenderer.act(async () =>
      meetings.setState({
        live: {
          ...live,
          speaker: 's-chloe',
          speakerQueue: [],
          participants: live.participants.map((p) => ({ ...p, handRaised: false })),
        },
      }),
    );
    seats.getColorAt(2, _c);
    expect(`#${_c.getHexString()}`).toBe(SEAT_COLORS.speaking);
    seats.getColorAt(0, _c);
    expect(`#${_c.getHexString()}`).toBe(SEAT_COLORS.idle);
    await r.unmount();
  });

  it('keeps the room when a list is refused and says why, in words', async () => {
    const { spatial, ds, meetings } = stores();
    spatial.setState({
      memoryError: { code: 'forbidden', message: 'not allowed to read this dataspace' },
      workspacesError: { code: 'network', message: 'Failed to fetch' },
    });
    const r = await ReactThreeTestRenderer.create(
      <SpatialRoom spatial={spatial} dataspace={ds} meetings={meetings} />,
    );
    const root = spatial.root!;
    expect((find(root, 'memory-card-backs') as InstancedMesh).count).toBe(0);
    expect(find(root, 'workspaces')).toBeDefined();
    await r.unmount();

    const container = document.createElement('div');
    document.body.append(container);
    const dom = createRoot(container);
    act(() => dom.render(<SpatialNotice spatial={spatial} />));
    const alert = container.querySelector('[role=alert]')!;
    expect(alert.textContent).toContain('Memory: You are not allowed to do that here.');
    expect(alert.textContent).toContain('Workspaces: The server does not answer.');
    act(() => spatial.setState({ memoryError: null, workspacesError: null }));
    expect(container.querySelector('[role=alert]')).toBeNull();
    act(() => dom.unmount());
  });
});

/** The camera of a test renderer's R3F root. */
function findCamera(r: Awaited<ReturnType<typeof ReactThreeTestRenderer.create>>) {
  const scene = r.scene.instance as unknown as { __r3f: { root: { getState(): { camera: Object3D } } } };
  return scene.__r3f.root.getState().camera;
}
