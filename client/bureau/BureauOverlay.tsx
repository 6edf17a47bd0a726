import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useDataspace } from '../room/DataspaceContext.ts';
import { useSession, useSessionStore } from '../session/SessionContext.ts';
import { createBureauStore } from './bureauStore.ts';
import type { BureauSection } from './bureauSections.ts';

const TITLES: Record<BureauSection, string> = {
  dashboard: 'Dashboard',
  notes: 'Notes',
  tasks: 'Tasks',
  projects: 'Projects',
  threads: 'Threads',
  meetings: 'Meetings',
};

/** The bureau: six sections of the active identity in the current sphere, ordered and shown as saved. */
export function BureauOverlay() {
  const session = useSessionStore();
  const sphereId = useSession((s) => s.sphereId);
  const activeIdentityId = useSession((s) => s.activeIdentityId);
  const [bureau] = useState(() => createBureauStore(session.api));
  const { layout, saving, error } = useStore(bureau);
  const threads = useDataspace((s) => s.threads);
  const balance = useDataspace((s) => s.balance);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (sphereId) void bureau.load(sphereId);
  }, [bureau, sphereId, activeIdentityId]);
  const visible = new Set(layout.visible_sections);
  const body = (s: BureauSection) =>
    s === 'threads'
      ? threads.map((t) => t.title).join(' · ')
      : s === 'dashboard'
        ? `Tokens: ${balance ?? '…'} · Threads: ${threads.length}`
        : null;
  return (
    <section className="panel bureau" aria-label="Bureau" data-open={open}>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Bureau
      </button>
      {open && (
        <ol aria-label="Bureau sections">
          {layout.section_order.map((s) => (
            <li key={s} data-section={s} data-visible={visible.has(s)}>
              <label>
                <input
                  type="checkbox"
                  aria-label={`Show ${TITLES[s]}`}
                  checked={visible.has(s)}
                  disabled={saving}
                  onChange={() => void bureau.toggle(s)}
                />
                {TITLES[s]}
              </label>
              <button
                type="button"
                aria-label={`Move ${TITLES[s]} up`}
                disabled={saving}
                onClick={() => void bureau.move(s, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move ${TITLES[s]} down`}
                disabled={saving}
                onClick={() => void bureau.move(s, 1)}
              >
                ↓
              </button>
              {visible.has(s) && body(s) && <p>{body(s)}</p>}
            </li>
          ))}
        </ol>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
