import { describe, expect, it } from 'vitest';
import { createChenuApi } from '../../../client/api/chenuApi.ts';
import { createSpatialStore } from '../../../client/spatial/spatialStore.ts';
import { layoutWorkspace } from '../../../client/spatial/spatialLayout.ts';
import { useClientStack } from '../../e2e/clientStack.ts';

const stack = useClientStack('client_spatial');

type User = Awaited<ReturnType<typeof stack.newUser>>;

/** One API call as the user, by path (setup only; the code under test goes through the store). */
async function post<T = { id: string }>(u: User, path: string, body?: unknown): Promise<T> {
  const { data, error } = await u.sb.functions.invoke(path, {
    method: 'POST',
    ...(body === undefined ? {} : { body: body as never }),
  });
  if (error) throw error;
  return data as T;
}

async function dataspaceOf(u: User, name: string) {
  const sphere = await post<{ id: string }>(u, 'spheres', { name: `Sphère ${name}` });
  return post<{ id: string }>(u, 'dataspaces', { sphere_id: sphere.id, name });
}

describe('spatial room data: memory items and workspaces (real gateway + Deno functions)', () => {
  it('loads every page of memory (forgotten items left out) and the workspaces with their panels', async () => {
    const u = await stack.newUser('spatial');
    const ds = await dataspaceOf(u, 'Cuisine');
    const kept = await post(u, 'memory', {
      dataspace_id: ds.id,
      source_type: 'user',
      kind: 'preference',
      content: 'Alice préfère le bois de merisier.',
    });
    const gone = await post(u, 'memory', {
      dataspace_id: ds.id,
      source_type: 'user',
      kind: 'fact',
      content: 'À oublier.',
    });
    await post(u, `memory/${gone.id}/forget`);
    // 101 more rows straight into the table, all at the same instant, so the store must follow
    // next_cursor past page one and the cursor must order rows that share created_at by id
    await stack.sql()`
      insert into public.memory_items (identity_id, user_id, dataspace_id, source_type, kind, content, created_at)
      select ${u.identityId}::uuid, ${u.userId}::uuid, ${ds.id}::uuid, 'user', 'note', 'Note ' || n,
             now() - interval '1 hour'
      from generate_series(1, 101) n`;

    const ws = await post<{ id: string }>(u, 'workspaces', {
      dataspace_id: ds.id,
      name: 'Plan de travail',
      layout: 'grid',
    });
    const p1 = await post(u, `workspaces/${ws.id}/panels`, {
      kind: 'thread',
      title: 'Fil principal',
      position: 0,
      layout: { col: 0, row: 0, w: 1, h: 1 },
    });
    const p2 = await post(u, `workspaces/${ws.id}/panels`, {
      kind: 'estimate',
      title: 'Estimation',
      position: 1,
      layout: { col: 1, row: 0, w: 2, h: 1 },
    });

    const spatial = createSpatialStore(createChenuApi(u.sb));
    const loading = spatial.load(ds.id);
    expect(spatial.getState()).toMatchObject({ loading: true, dataspaceId: ds.id });
    await loading;
    const s = spatial.getState();
    expect(s.memoryError).toBeNull();
    expect(s.workspacesError).toBeNull();
    expect(s.loading).toBe(false);
    expect(s.memory).toHaveLength(102);
    expect(s.memoryTruncated).toBe(false);
    expect(s.memory.map((m) => m.id)).toContain(kept.id);
    expect(s.memory.map((m) => m.id)).not.toContain(gone.id);
    expect(s.workspaces).toHaveLength(1);
    const view = s.workspaces[0]!;
    expect(view.error).toBeNull();
    expect(view.workspace).toMatchObject({ id: ws.id, name: 'Plan de travail', layout: 'grid' });
    expect(view.panels.map((p) => p.title).sort()).toEqual(['Estimation', 'Fil principal']);
    // the panels as stored lay out side by side, the estimate two cells wide
    const placed = layoutWorkspace(view.workspace.layout, view.panels);
    expect(placed.map((p) => p.id)).toEqual([p1.id, p2.id]);
    expect(placed[1]!.width).toBeGreaterThan(placed[0]!.width * 2);
    expect(placed[1]!.x).toBeGreaterThan(placed[0]!.x);
  });

  it("shows refusals as the API words them and does not see another identity's dataspace", async () => {
    const u = await stack.newUser('spatial-refused');
    const spatial = createSpatialStore(createChenuApi(u.sb));
    await spatial.load('not-a-uuid');
    let s = spatial.getState();
    expect(s.memoryError?.code).toBe('validation_failed');
    expect(s.workspacesError?.code).toBe('validation_failed');
    expect(s.memory).toEqual([]);
    expect(s.workspaces).toEqual([]);
    expect(s.loading).toBe(false);

    // a dataspace of someone else: row-level security hides its memory and workspaces
    const other = await stack.newUser('spatial-owner');
    const ds = await dataspaceOf(other, 'Privé');
    await post(other, 'memory', { dataspace_id: ds.id, source_type: 'user', content: 'Secret.' });
    await post(other, 'workspaces', { dataspace_id: ds.id, name: 'Privé' });
    await spatial.load(ds.id);
    s = spatial.getState();
    expect([s.memoryError, s.workspacesError, s.memory, s.workspaces]).toEqual([null, null, [], []]);
  });

  it('refreshes the loaded dataspace without emptying the room first', async () => {
    const u = await stack.newUser('spatial-refresh');
    const ds = await dataspaceOf(u, 'Salon');
    await post(u, 'memory', { dataspace_id: ds.id, source_type: 'user', kind: 'fact', content: 'Premier.' });
    const spatial = createSpatialStore(createChenuApi(u.sb));
    await spatial.load(ds.id);
    expect(spatial.getState().memory.map((m) => m.content)).toEqual(['Premier.']);
    await post(u, 'memory', { dataspace_id: ds.id, source_type: 'user', kind: 'fact', content: 'Second.' });
    await post(u, 'workspaces', { dataspace_id: ds.id, name: 'Atelier', layout: 'grid' });
    const seen: number[] = [];
    const off = spatial.subscribe((s) => seen.push(s.memory.length));
    await spatial.refresh();
    off();
    expect(
      spatial
        .getState()
        .memory.map((m) => m.content)
        .sort(),
    ).toEqual(['Premier.', 'Second.']);
    expect(spatial.getState().workspaces.map((w) => w.workspace.name)).toEqual(['Atelier']);
    expect(spatial.getState().dataspaceId).toBe(ds.id);
    // never emptied on the way: the wall keeps its cards until the new list arrives
    expect(seen.every((n) => n >= 1)).toBe(true);
  });
});
