import { useState } from 'react';
import {
  Button as AriaButton,
  Disclosure,
  DisclosurePanel,
  Heading,
  Link,
  ToggleButton,
  ToggleButtonGroup,
  type Key,
} from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { Dataspace } from '../api/chenuApi.ts';
import { AppHeader } from '../app/AppHeader.tsx';
import { paths } from '../app/routes.ts';
import { useFormat } from '../i18n/format.ts';
import { ActionMenu } from '../ui/ActionMenu.tsx';
import { Button } from '../ui/Button.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { NameDialog } from '../ui/NameDialog.tsx';
import { ReviewsPanel } from '../reviews/ReviewsPanel.tsx';
import { useSessionStore } from '../session/SessionContext.ts';
import { PendingInvitations } from '../sharing/PendingInvitations.tsx';
import { ShareDialog } from '../sharing/ShareDialog.tsx';
import { createShareStore } from '../sharing/shareStore.ts';
import { useBrowser, useBrowserStore } from './BrowserContext.ts';
import { isArchived } from './browserStore.ts';

type Dialog =
  | { kind: 'new-sphere' }
  | { kind: 'new-dataspace' }
  | { kind: 'rename'; dataspace: Dataspace }
  | { kind: 'share'; dataspace: Dataspace }
  | null;

function DataspaceCard({
  dataspace,
  onRename,
  onShare,
}: {
  dataspace: Dataspace;
  onRename: () => void;
  onShare: () => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const browser = useBrowserStore();
  const archived = isArchived(dataspace);
  return (
    <li className="card dataspace-card" data-archived={archived}>
      <div className="dataspace-card-head">
        {archived ? (
          <h3 className="dataspace-name">{dataspace.name}</h3>
        ) : (
          <h3 className="dataspace-name">
            <Link href={paths.dataspace(dataspace.id)} className="card-link">
              {dataspace.name}
            </Link>
          </h3>
        )}
        <ActionMenu
          label={t('home.actionsFor', { name: dataspace.name })}
          actions={
            archived
              ? [
                  {
                    id: 'restore',
                    label: t('home.restore'),
                    onAction: () => void browser.restoreDataspace(dataspace.id),
                  },
                ]
              : [
                  { id: 'share', label: t('share.menu'), onAction: onShare },
                  { id: 'rename', label: t('common.rename'), onAction: onRename },
                  {
                    id: 'archive',
                    label: t('home.archive'),
                    onAction: () => void browser.archiveDataspace(dataspace.id),
                  },
                ]
          }
        />
      </div>
      {dataspace.description && <p className="muted">{dataspace.description}</p>}
      <p className="meta">
        {t(`dataspaceKinds.${dataspace.kind}`)} ·{' '}
        {archived
          ? t('home.archivedOn', { date: fmt.date(dataspace.archived_at!) })
          : t('home.updated', { when: fmt.relative(dataspace.updated_at) })}
      </p>
    </li>
  );
}

/** A dataspace another identity shared with me: opens its room; shows my role and its people. */
function SharedCard({ dataspace, onPeople }: { dataspace: Dataspace; onPeople: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const role = dataspace.my_role ?? 'viewer';
  return (
    <li className="card dataspace-card" data-shared="true">
      <div className="dataspace-card-head">
        <h3 className="dataspace-name">
          <Link href={paths.dataspace(dataspace.id)} className="card-link">
            {dataspace.name}
          </Link>
        </h3>
        <ActionMenu
          label={t('home.actionsFor', { name: dataspace.name })}
          actions={[{ id: 'people', label: t('share.peopleMenu'), onAction: onPeople }]}
        />
      </div>
      {dataspace.description && <p className="muted">{dataspace.description}</p>}
      <p className="meta">
        <span className="badge">{t(`memberRoles.${role}`)}</span> {t(`dataspaceKinds.${dataspace.kind}`)} ·{' '}
        {t('home.updated', { when: fmt.relative(dataspace.updated_at) })}
      </p>
    </li>
  );
}

/**
 * Home: my pending invitations (while some wait), the active identity's spheres and the chosen
 * sphere's dataspaces as cards that open their room, with new / rename / share / archive / restore
 * (archived ones fold away), then the dataspaces shared with me. Empty states offer the next step (a
 * first dataspace, a first sphere).
 */
export function HomeScreen() {
  const { t } = useTranslation();
  const browser = useBrowserStore();
  const spheres = useBrowser((s) => s.spheres);
  const sphereId = useBrowser((s) => s.sphereId);
  const dataspaces = useBrowser((s) => s.dataspaces);
  const shared = useBrowser((s) => s.shared);
  const error = useBrowser((s) => s.error);
  const session = useSessionStore();
  const [share] = useState(() =>
    createShareStore(session.api, globalThis.location?.origin ?? 'http://localhost'),
  );
  const [dialog, setDialog] = useState<Dialog>(null);
  const sharedOpen = shared.filter((d) => !isArchived(d));
  const open = dataspaces.filter((d) => !isArchived(d));
  const archived = dataspaces.filter(isArchived);
  const close = (o: boolean) => !o && (setDialog(null), browser.clearError());
  return (
    <div className="screen">
      <AppHeader />
      <main className="page" aria-labelledby="home-title">
        <div className="page-head">
          <h1 id="home-title">{t('home.title')}</h1>
          <Button
            variant="primary"
            onPress={() => setDialog({ kind: 'new-dataspace' })}
            isDisabled={!sphereId}
          >
            {t('home.newDataspace')}
          </Button>
        </div>
        <PendingInvitations />
        <div className="sphere-bar">
          <ToggleButtonGroup
            className="segmented segmented-wide"
            aria-label={t('home.spheres')}
            selectionMode="single"
            disallowEmptySelection
            selectedKeys={sphereId ? [sphereId] : []}
            onSelectionChange={(keys: Set<Key>) => {
              const [id] = [...keys];
              if (id) void browser.selectSphere(String(id));
            }}
          >
            {spheres.map((s) => (
              <ToggleButton key={s.id} id={s.id} className="segmented-item">
                {s.name}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
          <Button variant="quiet" size="sm" onPress={() => setDialog({ kind: 'new-sphere' })}>
            {t('home.newSphere')}
          </Button>
        </div>
        <ErrorNotice error={dialog ? null : error} />
        {open.length === 0 ? (
          <EmptyState
            title={t('home.emptyTitle')}
            body={t('home.emptyBody')}
            action={
              <Button variant="primary" onPress={() => setDialog({ kind: 'new-dataspace' })}>
                {t('home.newDataspace')}
              </Button>
            }
          />
        ) : (
          <ul className="card-grid" aria-label={t('home.dataspaces')}>
            {open.map((d) => (
              <DataspaceCard
                key={d.id}
                dataspace={d}
                onRename={() => setDialog({ kind: 'rename', dataspace: d })}
                onShare={() => setDialog({ kind: 'share', dataspace: d })}
              />
            ))}
          </ul>
        )}
        {archived.length > 0 && (
          <Disclosure className="disclosure">
            <Heading level={2} className="disclosure-heading">
              <AriaButton slot="trigger" className="disclosure-trigger">
                {t('home.archived', { count: archived.length })}
              </AriaButton>
            </Heading>
            <DisclosurePanel>
              <ul className="card-grid" aria-label={t('home.archivedList')}>
                {archived.map((d) => (
                  <DataspaceCard
                    key={d.id}
                    dataspace={d}
                    onRename={() => undefined}
                    onShare={() => undefined}
                  />
                ))}
              </ul>
            </DisclosurePanel>
          </Disclosure>
        )}
        <section className="stack" aria-labelledby="shared-title">
          <h2 id="shared-title" className="section-title">
            {t('home.sharedTitle')}
          </h2>
          {sharedOpen.length === 0 ? (
            <p className="muted">{t('home.sharedEmpty')}</p>
          ) : (
            <ul className="card-grid" aria-label={t('home.sharedTitle')}>
              {sharedOpen.map((d) => (
                <SharedCard
                  key={d.id}
                  dataspace={d}
                  onPeople={() => setDialog({ kind: 'share', dataspace: d })}
                />
              ))}
            </ul>
          )}
        </section>
        <ReviewsPanel />
      </main>
      {dialog?.kind === 'share' && (
        <ShareDialog
          share={share}
          dataspace={dialog.dataspace}
          isOpen
          onOpenChange={(o) => {
            if (o) return;
            setDialog(null);
            // a member who left, or roles changed: the cards read again
            void browser.load();
          }}
        />
      )}
      <NameDialog
        title={t('home.newDataspace')}
        label={t('home.dataspaceName')}
        description={t('home.dataspaceNameHelp')}
        submitLabel={t('common.create')}
        isOpen={dialog?.kind === 'new-dataspace'}
        onOpenChange={close}
        error={error}
        onSubmit={async (name) => (await browser.createDataspace(name)) !== null}
      />
      <NameDialog
        title={t('home.newSphere')}
        label={t('home.sphereName')}
        description={t('home.sphereNameHelp')}
        submitLabel={t('common.create')}
        maxLength={120}
        isOpen={dialog?.kind === 'new-sphere'}
        onOpenChange={close}
        error={error}
        onSubmit={async (name) => (await browser.createSphere({ name, kind: 'personal' })) !== null}
      />
      <NameDialog
        title={t('home.renameDataspace')}
        label={t('home.dataspaceName')}
        submitLabel={t('common.rename')}
        initial={dialog?.kind === 'rename' ? dialog.dataspace.name : ''}
        isOpen={dialog?.kind === 'rename'}
        onOpenChange={close}
        error={error}
        onSubmit={(name) =>
          dialog?.kind === 'rename'
            ? browser.renameDataspace(dialog.dataspace.id, name)
            : Promise.resolve(false)
        }
      />
    </div>
  );
}
