import { useState } from 'react';
import { Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useFormat } from '../i18n/format.ts';
import { useDataspace } from '../room/DataspaceContext.ts';
import { can } from '../sharing/roles.ts';
import type { SpatialStore } from '../spatial/spatialStore.ts';
import { Button } from '../ui/Button.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { TextField } from '../ui/TextField.tsx';
import { excerpt } from '../ui/text.ts';

/**
 * The dock's memory tab: what is remembered in this dataspace (the cards on the room's far wall),
 * newest first, selected here and in the room together; and a note to remember, written by the
 * person (memory law 3: its source is their own entry).
 */
export function MemoryPanel({ spatial }: { spatial: SpatialStore }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const memory = useStore(spatial, (s) => s.memory);
  const error = useStore(spatial, (s) => s.memoryError);
  const saveError = useStore(spatial, (s) => s.saveError);
  const saving = useStore(spatial, (s) => s.saving);
  const selected = useStore(spatial, (s) => s.selected);
  const [note, setNote] = useState('');
  // memory notes are an editor's (docs/SHARING.md)
  const editing = can(
    useDataspace((s) => s.dataspace?.my_role),
    'edit',
  );
  return (
    <section className="stack" aria-label={t('memory.title')}>
      <h2 className="panel-title">{t('memory.title')}</h2>
      <p className="muted">{t('memory.intro')}</p>
      {editing && (
        <Form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void spatial.addNote(note).then((item) => item && setNote(''));
          }}
        >
          <TextField
            label={t('memory.note')}
            description={t('memory.noteHelp')}
            multiline
            value={note}
            onChange={setNote}
            maxLength={20000}
          />
          <Button type="submit" variant="primary" isDisabled={saving || !note.trim()}>
            {t('memory.remember')}
          </Button>
          <ErrorNotice error={saveError} />
        </Form>
      )}
      <ErrorNotice error={error} />
      {memory.length === 0 && !error ? (
        <EmptyState title={t('memory.emptyTitle')} body={t('memory.emptyBody')} />
      ) : (
        <ul className="item-list selectable-list" aria-label={t('memory.list')}>
          {memory.map((m) => {
            const isSelected = selected?.kind === 'memory' && selected.id === m.id;
            return (
              <li key={m.id} data-selected={isSelected}>
                <Button
                  variant="quiet"
                  className="list-button"
                  aria-pressed={isSelected}
                  onPress={() => spatial.select(isSelected ? null : { kind: 'memory', id: m.id })}
                >
                  <span>{excerpt(m.content, 140)}</span>
                  <span className="muted">
                    {t(`memoryKinds.${m.kind}`)} · {t(`memorySources.${m.source_type}`)}
                    {m.status === 'proposed' && ` · ${t('memory.proposed')}`}
                    {m.sensitive && ` · ${t('memory.sensitive')}`} · {fmt.relative(m.created_at)}
                  </span>
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
