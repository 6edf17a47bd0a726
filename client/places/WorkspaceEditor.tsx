import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { WORKSPACE_LAYOUTS, type WorkspaceLayoutMode } from '../../shared/protocol/workspaceProtocol.ts';
import type { Page, WorkspaceVersion } from '../api/chenuApi.ts';
import { toUiError } from '../i18n/uiError.ts';
import { Button } from '../ui/Button.tsx';
import { withCarets } from './WorkspaceRoom3D.tsx';
import type { WorkspaceFeed } from './workspaceFeed.ts';

/** One panel's shared text: a textarea on the Yjs text, with the others' carets shown under it. */
function PanelText({
  feed,
  panelId,
  title,
  readOnly,
}: {
  feed: WorkspaceFeed;
  panelId: string;
  title: string;
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const text = useStore(feed.store, (s) => s.texts[panelId] ?? '');
  const selfId = useStore(feed.store, (s) => s.selfId);
  const editors = useStore(feed.store, (s) => s.editors);
  const carets = editors.filter((e) => e.sessionId !== selfId && e.cursorPanel === panelId);
  const area = useRef<HTMLTextAreaElement>(null);
  // a remote edit re-renders the text: keep this person's caret where it was (clamped)
  const caret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = area.current;
    if (el && caret.current !== null && document.activeElement === el) {
      const at = Math.min(caret.current, text.length);
      el.setSelectionRange(at, at);
    }
  }, [text]);
  const report = () => {
    const el = area.current;
    if (!el) return;
    caret.current = el.selectionStart;
    feed.setCursor(panelId, el.selectionStart);
  };
  return (
    <div className="stack" data-panel={panelId}>
      <label className="field">
        <span className="field-label">{t('places.panelText', { title })}</span>
        <textarea
          ref={area}
          className="input"
          rows={4}
          value={text}
          readOnly={readOnly}
          onChange={(e) => {
            caret.current = e.target.selectionStart;
            feed.setText(panelId, e.target.value);
            feed.setCursor(panelId, e.target.selectionStart);
          }}
          onSelect={report}
          onFocus={report}
          onBlur={() => feed.setCursor('', 0)}
        />
      </label>
      {carets.length > 0 && (
        <div className="muted ws-carets" aria-live="polite">
          {carets.map((c) => (
            <div key={c.sessionId} className="ws-caret" data-editor={c.identityId}>
              {t('places.editing', { name: c.displayName })}: <code>{withCarets(text, [c])}</code>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** Reads a page of a workspace's versions, newest first (the API's `workspaces/{id}/history`). */
export type LoadWorkspaceHistory = (cursor?: string) => Promise<Page<WorkspaceVersion>>;

/**
 * The workspace's versions, newest first, read from the API again whenever the room's version
 * changes (anyone's edit or restore): each with its layout and time, and for an editor a Restore
 * button (a restore is itself a new version: history only grows).
 */
function VersionHistory({
  version,
  load,
  onRestore,
  canEdit,
}: {
  version: number;
  load: LoadWorkspaceHistory;
  onRestore: (version: number) => void;
  canEdit: boolean;
}) {
  const { t, i18n } = useTranslation();
  const [rows, setRows] = useState<readonly WorkspaceVersion[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    load().then(
      (page) => {
        if (!live) return;
        setRows(page.data);
        setNext(page.next_cursor);
        setFailure(null);
      },
      (error: unknown) => live && setFailure(toUiError(error).message),
    );
    return () => {
      live = false;
    };
  }, [load, version]);
  const older = () => {
    if (!next) return;
    load(next).then(
      (page) => {
        setRows((r) => [...r, ...page.data.filter((p) => !r.some((x) => x.id === p.id))]);
        setNext(page.next_cursor);
      },
      (error: unknown) => setFailure(toUiError(error).message),
    );
  };
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section className="stack" aria-label={t('places.history')}>
      <h3 className="field-label">{t('places.history')}</h3>
      {failure && (
        <p className="error" role="alert">
          {t('places.historyFailed', { message: failure })}
        </p>
      )}
      <ol className="stack workspace-history">
        {rows.map((row) => {
          const state = row.state as { layout?: unknown } | null;
          const layout =
            typeof state?.layout === 'string' &&
            (WORKSPACE_LAYOUTS as readonly string[]).includes(state.layout)
              ? t(`layouts.${state.layout as WorkspaceLayoutMode}`)
              : '—';
          const label = t('places.historyEntry', {
            version: row.version,
            layout,
            when: when.format(new Date(row.created_at)),
          });
          return (
            <li key={row.id} className="row">
              <span>{label}</span>
              {row.version === version ? (
                <span className="muted">{t('places.historyCurrent')}</span>
              ) : (
                canEdit && (
                  <Button
                    size="sm"
                    aria-label={`${t('places.restoreButton')}: ${label}`}
                    onPress={() => onRestore(row.version)}
                  >
                    {t('places.restoreButton')}
                  </Button>
                )
              )}
            </li>
          );
        })}
      </ol>
      {next && (
        <Button size="sm" onPress={older}>
          {t('places.historyOlder')}
        </Button>
      )}
    </section>
  );
}

/**
 * The workspace room on a flat screen (desktop, mobile): every panel's text edited together (OCW,
 * the room's Yjs document) with the others' carets, the layout, each panel's grid cell and the
 * version history (restore an earlier version) — editors only; a viewer reads.
 */
export function WorkspaceEditor({ feed, history }: { feed: WorkspaceFeed; history: LoadWorkspaceHistory }) {
  const { t } = useTranslation();
  const name = useStore(feed.store, (s) => s.name);
  const layout = useStore(feed.store, (s) => s.layout);
  const version = useStore(feed.store, (s) => s.version);
  const panels = useStore(feed.store, (s) => s.panels);
  const canEdit = useStore(feed.store, (s) => s.canEdit);
  const refusal = useStore(feed.store, (s) => s.refusal);
  const saved = useStore(feed.store, (s) => s.savedRevision >= s.revision);
  const [cells, setCells] = useState<Record<string, { col: string; row: string }>>({});
  return (
    <section className="card stack workspace-editor" aria-label={t('places.editorTitle', { name })}>
      <div className="panel-head">
        <h2 className="panel-title">{t('places.editorTitle', { name })}</h2>
        <span className="muted" role="status">
          {t('places.version', { version })} · {saved ? t('places.saved') : t('places.saving')}
        </span>
      </div>
      {!canEdit && <p className="muted">{t('places.viewerNote')}</p>}
      {refusal && (
        <p className="error" role="alert">
          {refusal.message}
        </p>
      )}
      <label className="field">
        <span className="field-label">{t('places.layout')}</span>
        <select
          className="input"
          value={layout}
          disabled={!canEdit}
          onChange={(e) => feed.setLayout(e.target.value as WorkspaceLayoutMode)}
        >
          {WORKSPACE_LAYOUTS.map((l) => (
            <option key={l} value={l}>
              {t(`layouts.${l}`)}
            </option>
          ))}
        </select>
      </label>
      {panels.length === 0 && <p className="muted">{t('places.empty')}</p>}
      {panels.map((p) => {
        const cell = cells[p.id] ?? { col: '', row: '' };
        return (
          <div key={p.id} className="stack">
            <PanelText feed={feed} panelId={p.id} title={p.title} readOnly={!canEdit} />
            {canEdit && (
              <div className="row">
                <label className="field">
                  <span className="field-label">{t('places.column')}</span>
                  <input
                    className="input"
                    inputMode="numeric"
                    size={3}
                    value={cell.col}
                    onChange={(e) => setCells({ ...cells, [p.id]: { ...cell, col: e.target.value } })}
                  />
                </label>
                <label className="field">
                  <span className="field-label">{t('places.row')}</span>
                  <input
                    className="input"
                    inputMode="numeric"
                    size={3}
                    value={cell.row}
                    onChange={(e) => setCells({ ...cells, [p.id]: { ...cell, row: e.target.value } })}
                  />
                </label>
                <Button
                  size="sm"
                  onPress={() => feed.movePanel(p.id, { col: Number(cell.col), row: Number(cell.row) })}
                >
                  {t('places.move')}
                </Button>
              </div>
            )}
          </div>
        );
      })}
      <VersionHistory version={version} load={history} onRestore={(v) => feed.restore(v)} canEdit={canEdit} />
    </section>
  );
}
