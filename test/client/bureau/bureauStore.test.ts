import { createClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { createChenuApi } from '../../../client/api/chenuApi.ts';
import { SECTION_ITEMS } from '../../../client/bureau/bureauContent.ts';
import { createBureauStore } from '../../../client/bureau/bureauStore.ts';
import { useClientStack } from '../../e2e/clientStack.ts';
import { furnish, post } from './bureauFixture.ts';

const stack = useClientStack('client_bureau');

describe('bureau store: sections from the API (real gateway + Deno functions)', () => {
  it("loads each section of the identity's sphere, bounded and ordered, and keeps order/visibility per sphere", async () => {
    const u = await stack.newUser('bureau');
    const f = await furnish(stack, u);
    const api = createChenuApi(u.sb);
    // pinned: the fixture's open task (due 2026-12-01) is overdue on the 5th, whatever today is
    const bureau = createBureauStore(api, () => '2026-12-05');
    await bureau.load(f.sphere.id);
    expect(bureau.getState().content.notes.status).toBe('idle');
    const loading = bureau.ensureContent();
    expect(bureau.getState().content.threads.status).toBe('loading');
    // asked again while loading (the 2D bureau and the XR panel both ask): the same load
    expect(bureau.ensureContent()).toBe(loading);
    await loading;
    const c = bureau.getState().content;
    for (const s of Object.values(c)) expect(s.error).toBeNull();

    expect(c.notes.items).toEqual([
      {
        id: f.note.id,
        title: 'Appeler le plombier avant vendredi.',
        details: [
          { kind: 'text', text: 'Cuisine' },
          { kind: 'at', iso: expect.any(String) },
        ],
      },
    ]);
    expect(c.threads).toMatchObject({ total: 1, more: false });
    expect(c.threads.items).toEqual([
      {
        id: f.open.id,
        title: 'Budget cuisine',
        details: [
          { kind: 'tokens', used: 42, budget: 1000, held: 0 },
          { kind: 'text', text: 'Cuisine' },
        ],
      },
    ]);
    expect(c.projects.items.map((p) => [p.id, p.title, p.details])).toEqual([
      [
        f.project.id,
        'Rénovation cuisine',
        [
          { kind: 'projectStatus', status: 'in_progress' },
          { kind: 'text', text: 'Alice' },
          { kind: 'text', text: 'Rénovation' },
        ],
      ],
      [f.reno.id, 'Rénovation', [{ kind: 'dataspaceKind', value: 'project' }]],
    ]);
    // live first, then scheduled soonest first; the ended one and the other sphere's left out
    expect(c.meetings.items.map((m) => m.id)).toEqual([f.live.id, f.sooner.id, f.soon.id]);
    expect(c.meetings.items[0]!.details).toEqual([{ kind: 'live' }, { kind: 'text', text: 'Cuisine' }]);
    // tasks of every meeting of the sphere (ended ones too): in progress, open, then done
    expect(c.tasks.items.map((t) => t.id)).toEqual([f.doing.id, f.todo.id, f.done.id]);
    expect(c.tasks).toMatchObject({ total: 3, open: 2, more: false });
    expect(c.tasks.items[1]!.details).toEqual([
      { kind: 'taskStatus', status: 'open' },
      { kind: 'due', date: '2026-12-01', overdue: true },
      { kind: 'text', text: 'Lancement' },
    ]);
    const balance = await api.balance();
    expect(c.dashboard.balance).toBe(balance.available);

    // order and visibility saved per identity × sphere, read back by a fresh store
    await bureau.move('threads', -4);
    await bureau.toggle('projects');
    const again = createBureauStore(api);
    await again.load(f.sphere.id);
    expect(again.getState().layout.section_order[0]).toBe('threads');
    expect(again.getState().layout.visible_sections).not.toContain('projects');
  });

  it('keeps SECTION_ITEMS items with the full count, and drops a load overtaken by another sphere', async () => {
    const u = await stack.newUser('bureau-many');
    const sphere = await post(u, 'spheres', { name: 'Beaucoup' });
    const ds = await post(u, 'dataspaces', { sphere_id: sphere.id, name: 'Notes' });
    await stack.sql()`
      insert into public.memory_items (identity_id, user_id, dataspace_id, source_type, kind, content, created_at)
      select ${u.identityId}::uuid, ${u.userId}::uuid, ${ds.id}::uuid, 'user', 'note', 'Note ' || n,
             now() - make_interval(secs => n)
      from generate_series(1, 30) n`;
    const bureau = createBureauStore(createChenuApi(u.sb));
    await bureau.load(sphere.id);
    await bureau.ensureContent();
    const notes = bureau.getState().content.notes;
    expect(notes).toMatchObject({ status: 'ready', total: 30, more: false });
    expect(notes.items.map((n) => n.title)).toEqual(
      Array.from({ length: SECTION_ITEMS }, (_, i) => `Note ${i + 1}`),
    );

    // another sphere opened while a load runs: the old answers do not land in the new sphere's bureau
    const other = await post(u, 'spheres', { name: 'Autre' });
    const stale = bureau.loadContent();
    await bureau.load(other.id);
    await stale;
    expect(bureau.getState()).toMatchObject({ sphereId: other.id, contentSphereId: null });
    expect(bureau.getState().content.notes).toMatchObject({ status: 'idle', items: [] });
  });

  it("keeps a refused list's code in its own section only", async () => {
    const u = await stack.newUser('bureau-refused');
    const f = await furnish(stack, u);
    // an API key that may read everything the bureau reads but construction projects
    const made = await post<{ key: string }>(u, 'api-keys', {
      name: 'bureau',
      permissions: [
        'dataspaces:read',
        'threads:read',
        'memory:read',
        'meetings:read',
        'tokens:read',
        'bureau:read',
      ],
    });
    const api = stack.api();
    const viaKey = createClient(api.url, api.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { headers: { 'x-api-key': made.key } },
    });
    const bureau = createBureauStore(createChenuApi(viaKey));
    await bureau.load(f.sphere.id);
    await bureau.ensureContent();
    const c = bureau.getState().content;
    expect(c.projects.status).toBe('error');
    expect(c.projects.error?.code).toBe('forbidden');
    expect(c.threads.items.map((t) => t.id)).toEqual([f.open.id]);
    expect(c.notes.items.map((n) => n.id)).toEqual([f.note.id]);
    expect(c.tasks.total).toBe(3);
    expect(c.meetings.total).toBe(3);
    expect(c.dashboard.status).toBe('ready');

    // a sphere id the API refuses: every dataspace section says so, the balance still shows
    const own = createBureauStore(createChenuApi(u.sb));
    await own.load('not-a-uuid');
    await own.ensureContent();
    const r = own.getState().content;
    for (const s of ['notes', 'tasks', 'projects', 'threads', 'meetings'] as const) {
      expect(r[s].status).toBe('error');
      expect(r[s].error?.code).toBe('validation_failed');
    }
    expect(r.dashboard.status).toBe('ready');
  });
});
