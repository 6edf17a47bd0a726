// @vitest-environment jsdom
import ReactThreeTestRenderer from '@react-three/test-renderer';
import { createClient } from '@supabase/supabase-js';
import type { Object3D } from 'three';
import { describe, expect, it } from 'vitest';
import { createChenuApi } from '../../../client/api/chenuApi.ts';
import BureauPanel3D, { PANEL_ITEMS } from '../../../client/bureau/BureauPanel3D.tsx';
import {
  IDLE_SECTION,
  type BureauContent,
  type BureauDetail,
  type BureauItem,
  type SectionContent,
} from '../../../client/bureau/bureauContent.ts';
import { createBureauStore } from '../../../client/bureau/bureauStore.ts';
import { initI18n } from '../../../client/i18n/i18n.ts';
import { createDataspaceStore } from '../../../client/room/dataspaceStore.ts';
import { serveAppAssets } from '../../helpers/appAssets.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
initI18n({ lng: 'en' });

// the panels' MSDF fonts come from the app's own assets, served on loopback as the page would
serveAppAssets();

const api = createChenuApi(
  createClient('http://127.0.0.1:9', 'anon', { auth: { persistSession: false, autoRefreshToken: false } }),
);

type Uikit = Object3D & { properties?: { value: { id?: string; text?: unknown } } };

/** The panel's visible sections in drawing order, with the texts of each (uikit's computed properties). */
function sectionsOf(root: Object3D) {
  const panel = root.getObjectByName('bureau-panel')!;
  const out: { section: string; texts: string[] }[] = [];
  panel.traverse((o) => {
    const id = (o as Uikit).properties?.value.id;
    if (typeof id !== 'string' || !id.startsWith('bureau-section-')) return;
    const texts: string[] = [];
    o.traverse((t) => {
      const text = (t as Uikit).properties?.value.text;
      if (t !== o && text !== undefined && text !== null) texts.push(String(text));
    });
    out.push({ section: id.slice('bureau-section-'.length), texts });
  });
  return out;
}

const item = (id: string, title: string, ...details: BureauDetail[]): BureauItem => ({ id, title, details });
const text = (value: string): BureauDetail => ({ kind: 'text', text: value });
const ready = (items: BureauItem[], total = items.length, more = false): SectionContent => ({
  status: 'ready',
  items,
  total,
  more,
  open: null,
  error: null,
});

/** A bureau as the API would have filled it (never called here: no sphere is loaded). */
function filledBureau() {
  const bureau = createBureauStore(api);
  const content: BureauContent = {
    dashboard: { ...ready([]), balance: 1200 },
    notes: ready([item('n1', 'Appeler le plombier', text('Cuisine'))], 1),
    tasks: {
      ...ready(
        [
          item(
            't1',
            'Commander le comptoir',
            { kind: 'taskStatus', status: 'open' },
            { kind: 'due', date: '2026-12-01', overdue: false },
          ),
        ],
        3,
      ),
      open: 2,
    },
    projects: ready(
      [item('p1', 'Rénovation cuisine', { kind: 'projectStatus', status: 'in_progress' }, text('Alice'))],
      12,
      true,
    ),
    threads: ready([
      item('th1', 'Budget cuisine', { kind: 'tokens', used: 40, budget: 1000, held: 0 }, text('Cuisine')),
    ]),
    meetings: {
      ...IDLE_SECTION,
      status: 'error',
      error: { code: 'forbidden', message: 'not allowed to read meetings' },
    },
  };
  bureau.setState({
    content,
    layout: {
      section_order: ['threads', 'dashboard', 'meetings', 'notes', 'tasks', 'projects'],
      visible_sections: ['threads', 'dashboard', 'meetings', 'tasks', 'projects'],
      default_section: 'threads',
    },
  });
  return bureau;
}

describe('BureauPanel3D (uikit, XR)', () => {
  it('shows the visible sections in the saved order, hidden ones absent, and follows layout changes', async () => {
    const bureau = filledBureau();
    const ds = createDataspaceStore(api);
    const r = await ReactThreeTestRenderer.create(<BureauPanel3D bureau={bureau} dataspace={ds} />);
    const root = r.scene.instance as unknown as Object3D;
    let shown = sectionsOf(root);
    expect(shown.map((s) => s.section)).toEqual(['threads', 'dashboard', 'meetings', 'tasks', 'projects']);
    expect(root.getObjectByName('bureau-panel')!.userData.sections).toEqual(shown.map((s) => s.section));
    const texts = Object.fromEntries(shown.map((s) => [s.section, s.texts]));
    expect(texts.threads).toEqual(['Threads', '1', 'Budget cuisine · 40 / 1,000 tokens · Cuisine']);
    // a refused section says why in words, the others still show their contents
    expect(texts.meetings).toEqual(['Meetings', '', 'You are not allowed to do that here.']);
    expect(texts.tasks).toEqual(['Tasks', '1 of 3', 'Commander le comptoir · open · due Dec 1, 2026']);
    expect(texts.projects).toEqual(['Projects', '1 of 12+', 'Rénovation cuisine · in progress · Alice']);
    // the dashboard: balance (the bureau's read), then the other sections' counts
    expect(texts.dashboard).toEqual([
      'Dashboard',
      '',
      'Tokens · 1,200',
      'Notes · 1',
      'Tasks · 3 (2 open)',
      'Projects · 12+',
      'Threads · 1',
      'Meetings · refused',
    ]);

    // the room's live balance wins, and order/visibility changes (saved from the 2D bureau) follow here
    await ReactThreeTestRenderer.act(async () => {
      ds.setState({ balance: 1180 });
      bureau.setState({
        layout: {
          section_order: ['notes', 'dashboard', 'threads', 'meetings', 'tasks', 'projects'],
          visible_sections: ['notes', 'dashboard'],
          default_section: 'notes',
        },
      });
    });
    shown = sectionsOf(root);
    expect(shown.map((s) => s.section)).toEqual(['notes', 'dashboard']);
    expect(shown[0]!.texts).toEqual(['Notes', '1', 'Appeler le plombier · Cuisine']);
    expect(shown[1]!.texts[2]).toBe('Tokens · 1,180');
    await r.unmount();
  });

  it('shows a loading section as loading and at most PANEL_ITEMS items of a long one', async () => {
    const bureau = filledBureau();
    const many = Array.from({ length: 8 }, (_, i) => item(`th${i}`, `Fil ${i}`, text(`${i} tokens`)));
    bureau.setState((s) => ({
      content: { ...s.content, threads: ready(many, 30), notes: { ...IDLE_SECTION, status: 'loading' } },
      layout: { ...s.layout, visible_sections: ['threads', 'notes'] },
    }));
    const r = await ReactThreeTestRenderer.create(
      <BureauPanel3D bureau={bureau} dataspace={createDataspaceStore(api)} />,
    );
    const shown = sectionsOf(r.scene.instance as unknown as Object3D);
    expect(shown.map((s) => s.section)).toEqual(['threads', 'notes']);
    expect(shown[0]!.texts).toEqual([
      'Threads',
      '8 of 30',
      ...many.slice(0, PANEL_ITEMS).map((t) => `${t.title} · ${(t.details[0] as { text: string }).text}`),
    ]);
    expect(shown[1]!.texts).toEqual(['Notes', 'Loading…']);
    await r.unmount();
  });
});
