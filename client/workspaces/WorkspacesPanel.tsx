import { useState } from 'react';
import { Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Workspace } from '../api/chenuApi.ts';
import { useDataspace } from '../room/DataspaceContext.ts';
import { can } from '../sharing/roles.ts';
import type { SpatialStore } from '../spatial/spatialStore.ts';
import { ActionMenu } from '../ui/ActionMenu.tsx';
import { Button } from '../ui/Button.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { ModalDialog } from '../ui/ModalDialog.tsx';
import { NameDialog } from '../ui/NameDialog.tsx';
import { SelectField } from '../ui/SelectField.tsx';
import { TextField } from '../ui/TextField.tsx';
import { usePlace } from '../places/PlaceContext.ts';

const LAYOUTS: readonly Workspace['layout'][] = ['grid', 'stack', 'wall', 'radial', 'free'];

type Dialog =
  | { kind: 'new' }
  | { kind: 'rename'; workspace: Workspace }
  | { kind: 'delete'; workspace: Workspace }
  | null;

/**
 * The dock's workspaces tab: the dataspace's workspaces (they stand on the room's left wall, laid
 * out by their layout), selected here and in the room together; create, rename, delete.
 */
export function WorkspacesPanel({ spatial }: { spatial: SpatialStore }) {
  const { t } = useTranslation();
  const views = useStore(spatial, (s) => s.workspaces);
  const error = useStore(spatial, (s) => s.workspacesError);
  const saveError = useStore(spatial, (s) => s.saveError);
  const selected = useStore(spatial, (s) => s.selected);
  const saving = useStore(spatial, (s) => s.saving);
  // workspaces are an editor's (docs/SHARING.md); the others look at them
  const editing = can(
    useDataspace((s) => s.dataspace?.my_role),
    'edit',
  );
  const nav = usePlace();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [name, setName] = useState('');
  const [layout, setLayout] = useState<Workspace['layout']>('grid');
  const close = (o: boolean) => !o && (setDialog(null), spatial.clearSaveError());
  return (
    <section className="stack" aria-label={t('workspaces.title')}>
      <div className="panel-head">
        <h2 className="panel-title">{t('workspaces.title')}</h2>
        {editing && (
          <Button size="sm" variant="secondary" onPress={() => (setName(''), setDialog({ kind: 'new' }))}>
            {t('workspaces.new')}
          </Button>
        )}
      </div>
      <p className="muted">{t('workspaces.intro')}</p>
      <ErrorNotice error={error ?? (dialog ? null : saveError)} />
      {views.length === 0 ? (
        <EmptyState
          title={t('workspaces.emptyTitle')}
          body={editing ? t('workspaces.emptyBody') : undefined}
          action={
            editing && (
              <Button variant="primary" onPress={() => (setName(''), setDialog({ kind: 'new' }))}>
                {t('workspaces.new')}
              </Button>
            )
          }
        />
      ) : (
        <ul className="item-list selectable-list" aria-label={t('workspaces.list')}>
          {views.map(({ workspace: w, panels, error: panelsError }) => {
            const isSelected = selected?.kind === 'workspace' && selected.id === w.id;
            return (
              <li key={w.id} className="row" data-selected={isSelected}>
                <Button
                  variant="quiet"
                  className="grow list-button"
                  aria-pressed={isSelected}
                  onPress={() => spatial.select(isSelected ? null : { kind: 'workspace', id: w.id })}
                >
                  <strong>{w.name}</strong>
                  <span className="muted">
                    {t('workspaces.summary', {
                      layout: t(`layouts.${w.layout}`),
                      count: panels.length,
                      version: w.version,
                    })}
                  </span>
                </Button>
                {nav && nav.place !== `workspace:${w.id}` && (
                  <Button
                    size="sm"
                    variant="secondary"
                    aria-label={t('places.enterWorkspace', { name: w.name })}
                    onPress={() => nav.enter(`workspace:${w.id}`)}
                  >
                    {t('places.enter')}
                  </Button>
                )}
                {editing && (
                  <ActionMenu
                    label={t('workspaces.actions', { name: w.name })}
                    actions={[
                      {
                        id: 'rename',
                        label: t('common.rename'),
                        onAction: () => setDialog({ kind: 'rename', workspace: w }),
                      },
                      {
                        id: 'delete',
                        label: t('common.delete'),
                        danger: true,
                        onAction: () => setDialog({ kind: 'delete', workspace: w }),
                      },
                    ]}
                  />
                )}
                <ErrorNotice error={panelsError} />
              </li>
            );
          })}
        </ul>
      )}
      <ModalDialog title={t('workspaces.new')} isOpen={dialog?.kind === 'new'} onOpenChange={close}>
        {(closeDialog) => (
          <Form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void spatial.createWorkspace(name, layout).then((w) => w && closeDialog());
            }}
          >
            <TextField
              label={t('workspaces.name')}
              value={name}
              onChange={setName}
              isRequired
              maxLength={160}
              autoFocus
            />
            <SelectField
              label={t('workspaces.layout')}
              options={LAYOUTS.map((l) => ({
                id: l,
                label: t(`layouts.${l}`),
                detail: t(`layoutHelp.${l}`),
              }))}
              value={layout}
              onChange={(v) => setLayout(v as Workspace['layout'])}
            />
            <ErrorNotice error={saveError} />
            <div className="dialog-actions">
              <Button variant="quiet" onPress={closeDialog}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" variant="primary" isDisabled={saving}>
                {t('common.create')}
              </Button>
            </div>
          </Form>
        )}
      </ModalDialog>
      <NameDialog
        title={t('workspaces.rename')}
        label={t('workspaces.name')}
        submitLabel={t('common.rename')}
        initial={dialog?.kind === 'rename' ? dialog.workspace.name : ''}
        isOpen={dialog?.kind === 'rename'}
        onOpenChange={close}
        error={saveError}
        onSubmit={(n) =>
          dialog?.kind === 'rename' ? spatial.renameWorkspace(dialog.workspace.id, n) : Promise.resolve(false)
        }
      />
      <ConfirmDialog
        title={t('workspaces.deleteTitle')}
        body={dialog?.kind === 'delete' ? t('workspaces.deleteBody', { name: dialog.workspace.name }) : ''}
        confirmLabel={t('common.delete')}
        isOpen={dialog?.kind === 'delete'}
        onOpenChange={close}
        onConfirm={() => dialog?.kind === 'delete' && void spatial.deleteWorkspace(dialog.workspace.id)}
      />
    </section>
  );
}
