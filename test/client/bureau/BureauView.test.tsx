import '../session/installDom.ts';
import { initI18n } from '../../../client/i18n/i18n.ts';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createChenuApi } from '../../../client/api/chenuApi.ts';
import { BureauView } from '../../../client/bureau/BureauView.tsx';
import type { BureauState, BureauStore } from '../../../client/bureau/bureauStore.ts';
import { createBureauStore } from '../../../client/bureau/bureauStore.ts';
import { useClientStack } from '../../e2e/clientStack.ts';
import { furnish } from './bureauFixture.ts';

initI18n({ lng: 'en' });
const stack = useClientStack('client_bureau_overlay');
let root: Root | undefined;
let container: HTMLElement;

afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
  root = undefined;
  container = undefined as unknown as HTMLElement;
});

function render(bureau: BureauStore, liveBalance: number | null = null) {
  container ??= document.createElement('div');
  document.body.append(container);
  root ??= createRoot(container);
  act(() => root!.render(<BureauView bureau={bureau} liveBalance={liveBalance} />));
}

/** Resolves (inside act) once the bureau's state satisfies `pred`. */
function until(bureau: BureauStore, pred: (s: BureauState) => boolean): Promise<void> {
  return act(
    () =>
      new Promise<void>((resolve) => {
        if (pred(bureau.getState())) return resolve();
        const off = bureau.subscribe((s) => pred(s) && (off(), resolve()));
      }),
  );
}

const loaded = (s: BureauState) =>
  Object.values(s.content).every((c) => c.status === 'ready' || c.status === 'error');
const section = (name: string) => container.querySelector<HTMLElement>(`li[data-section="${name}"]`)!;
const items = (name: string) =>
  [...section(name).querySelectorAll('li[data-item] strong')].map((e) => e.textContent);
const click = (el: Element) => act(() => (el as HTMLElement).click());

describe('BureauView (2D, the /bureau screen): section contents from the API, in words', () => {
  it('loads the contents when shown, shows each section in the saved order, and hides what is unchecked', async () => {
    const u = await stack.newUser('overlay');
    const f = await furnish(stack, u);
    // pinned: the fixture's open task (due 2026-12-01) is overdue on the 5th, whatever today is
    const bureau = createBureauStore(createChenuApi(u.sb), () => '2026-12-05');
    await bureau.load(f.sphere.id);
    expect(bureau.getState().content.threads.status).toBe('idle');
    render(bureau);
    expect(section('threads').textContent).toContain('Loading…');
    await until(bureau, loaded);

    const order = [...container.querySelectorAll('li[data-section]')].map((e) =>
      e.getAttribute('data-section'),
    );
    expect(order).toEqual(['dashboard', 'notes', 'tasks', 'projects', 'threads', 'meetings']);
    expect(items('notes')).toEqual(['Appeler le plombier avant vendredi.']);
    expect(items('tasks')).toEqual(['Poser les meubles', 'Commander le comptoir', 'Choisir le carrelage']);
    expect(section('tasks').textContent).toContain('open · overdue since Dec 1, 2026 · Lancement');
    expect(items('projects')).toEqual(['Rénovation cuisine', 'Rénovation']);
    expect(items('threads')).toEqual(['Budget cuisine']);
    expect(section('threads').textContent).toContain('42 / 1,000 tokens · Cuisine');
    expect(items('meetings')).toEqual(['Point chantier', 'Devis', 'Visite']);
    expect(section('meetings').textContent).toContain('live now · Cuisine');
    const dash = [...section('dashboard').querySelectorAll('[data-line]')].map((e) => e.textContent);
    expect(dash.slice(1)).toEqual(['Notes1', 'Tasks3 (2 open)', 'Projects2', 'Threads1', 'Meetings3']);
    expect(dash[0]).toMatch(/^Tokens[\d,]+$/);
    expect(container.querySelector('[role=alert]')).toBeNull();

    // hide Notes, move Threads up: saved through the API, the bodies follow
    const showNotes = container.querySelector('input[type=checkbox][aria-label="Show Notes"]');
    expect(showNotes).not.toBeNull();
    click(showNotes!);
    await until(bureau, (s) => !s.saving);
    expect(section('notes').getAttribute('data-visible')).toBe('false');
    expect(section('notes').querySelector('.bureau-body')).toBeNull();
    click(container.querySelector('button[aria-label="Move Threads up"]')!);
    await until(bureau, (s) => !s.saving);
    const after = [...container.querySelectorAll('li[data-section]')].map((e) =>
      e.getAttribute('data-section'),
    );
    expect(after).toEqual(['dashboard', 'notes', 'tasks', 'threads', 'projects', 'meetings']);
    expect(bureau.getState().config?.visible_sections).not.toContain('notes');
    expect(bureau.getState().error).toBeNull();
  });

  it("shows a refused section's sentence in that section, the others intact; the live balance wins", async () => {
    const bureau = createBureauStore(createChenuApi(stack.supabase()));
    render(bureau);
    // no sphere loaded: nothing is asked of the API; the state is what a load would have left
    act(() =>
      bureau.setState((s) => ({
        content: {
          ...s.content,
          dashboard: {
            ...s.content.dashboard,
            status: 'ready',
            balance: 900,
          },
          projects: {
            ...s.content.projects,
            status: 'error',
            error: { code: 'forbidden', message: 'this API key may not read construction' },
          },
          threads: {
            status: 'ready',
            items: [
              {
                id: 't1',
                title: 'Budget cuisine',
                details: [
                  { kind: 'tokens', used: 42, budget: 1000, held: 0 },
                  { kind: 'text', text: 'Cuisine' },
                ],
              },
            ],
            total: 1,
            more: false,
            open: null,
            error: null,
          },
          notes: { ...s.content.notes, status: 'loading' },
        },
      })),
    );
    const alerts = [...container.querySelectorAll('[role=alert]')];
    expect(alerts.map((a) => a.textContent)).toEqual(['You are not allowed to do that here.']);
    expect(alerts[0]!.getAttribute('data-code')).toBe('forbidden');
    expect(section('projects').contains(alerts[0]!)).toBe(true);
    expect(items('threads')).toEqual(['Budget cuisine']);
    expect(section('notes').textContent).toContain('Loading…');
    expect(section('dashboard').textContent).toContain('Tokens900');
    expect(section('dashboard').textContent).toContain('Projectsrefused');
    render(bureau, 875);
    expect(section('dashboard').textContent).toContain('Tokens875');
  });
});
