import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useDataspace } from '../room/DataspaceContext.ts';
import { SECTION_TITLES, sectionView, type SectionView } from './bureauContent.ts';
import type { BureauSection } from './bureauSections.ts';
import type { BureauStore } from './bureauStore.ts';

/** A section's body: loading, its refusal (`code: message`), or its first items with the count. */
function SectionBody({ section, view }: { section: BureauSection; view: SectionView }) {
  return (
    <div
      className="bureau-body"
      aria-label={`${SECTION_TITLES[section]} content`}
      aria-busy={view.status === 'loading'}
    >
      {view.status === 'loading' && section !== 'dashboard' && <p className="muted">Loading…</p>}
      {view.error && (
        <p className="error" role="alert">
          {view.error}
        </p>
      )}
      {view.summary && <p className="muted bureau-count">{view.summary}</p>}
      {view.items.length > 0 && (
        <ul>
          {view.items.map((i) => (
            <li key={i.id} data-item={i.id}>
              <strong>{i.title}</strong> <span className="muted">{i.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The bureau: six sections of the active identity in the current sphere, ordered and shown as saved,
 * each with its contents from the API (loaded when the bureau first opens).
 */
export function BureauOverlay({ bureau }: { bureau: BureauStore }) {
  const { layout, saving, error, content } = useStore(bureau);
  // the room's live balance (presence) when known, else the bureau's own read
  const liveBalance = useDataspace((s) => s.balance);
  const sphereId = useStore(bureau, (s) => s.sphereId);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open && sphereId) void bureau.ensureContent();
  }, [bureau, open, sphereId]);
  const visible = new Set(layout.visible_sections);
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
                  aria-label={`Show ${SECTION_TITLES[s]}`}
                  checked={visible.has(s)}
                  disabled={saving}
                  onChange={() => void bureau.toggle(s)}
                />
                {SECTION_TITLES[s]}
              </label>
              <button
                type="button"
                aria-label={`Move ${SECTION_TITLES[s]} up`}
                disabled={saving}
                onClick={() => void bureau.move(s, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move ${SECTION_TITLES[s]} down`}
                disabled={saving}
                onClick={() => void bureau.move(s, 1)}
              >
                ↓
              </button>
              {visible.has(s) && <SectionBody section={s} view={sectionView(content, s, liveBalance)} />}
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
