import { useState } from 'react';
import { Button as AriaButton, Disclosure, DisclosurePanel, Form, Heading } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { tokenUseText } from '../bureau/bureauText.ts';
import { useFormat } from '../i18n/format.ts';
import { useDataspace, useDataspaceStore, useOpenThread } from '../room/DataspaceContext.ts';
import { ActionMenu } from '../ui/ActionMenu.tsx';
import { Button } from '../ui/Button.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { NameDialog } from '../ui/NameDialog.tsx';
import { SelectField } from '../ui/SelectField.tsx';
import { TextField } from '../ui/TextField.tsx';
import { can } from '../sharing/roles.ts';
import { GovernedAction } from './GovernedAction.tsx';
import { usePlace } from '../places/PlaceContext.ts';
import { LiveRuns } from './LiveRuns.tsx';
import { ThreadRuns } from './ThreadRuns.tsx';
import { useSessionStore } from '../session/SessionContext.ts';

type Dialog = 'new' | 'rename' | null;

/**
 * The dock's thread tab: pick, start, rename, archive or reopen a thread; read and post its messages,
 * record decisions, and ask an agent (a governed action). With no thread, the next step is offered.
 */
export function ThreadPanel() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const ds = useDataspaceStore();
  const { api } = useSessionStore();
  const threads = useDataspace((s) => s.threads);
  const error = useDataspace((s) => s.error);
  const { threadId, messages, decisions } = useOpenThread();
  // what the active identity's role lets it do here (docs/SHARING.md); the API still decides
  const role = useDataspace((s) => s.dataspace?.my_role);
  const posting = can(role, 'post');
  const editing = can(role, 'edit');
  const [text, setText] = useState('');
  const [decision, setDecision] = useState('');
  const [dialog, setDialog] = useState<Dialog>(null);
  const nav = usePlace();
  const open = threads.filter((th) => th.status === 'open');
  const archived = threads.filter((th) => th.status === 'archived');
  const thread = threads.find((th) => th.id === threadId) ?? null;
  const closeDialog = (o: boolean) => !o && (setDialog(null), ds.clearError());
  const post = (e: React.FormEvent) => {
    e.preventDefault();
    if (threadId && text.trim()) void ds.postMessage(threadId, text.trim()).then((ok) => ok && setText(''));
  };
  const decide = (e: React.FormEvent) => {
    e.preventDefault();
    if (threadId && decision.trim())
      void ds.recordDecision(threadId, decision.trim()).then((ok) => ok && setDecision(''));
  };
  return (
    <section className="stack" aria-label={t('thread.panel')}>
      <div className="panel-head">
        <h2 className="panel-title">{t('thread.title')}</h2>
        {editing && (
          <Button size="sm" variant="secondary" onPress={() => setDialog('new')}>
            {t('thread.new')}
          </Button>
        )}
      </div>
      {!thread ? (
        <EmptyState
          title={t('thread.emptyTitle')}
          body={editing ? t('thread.emptyBody') : t('thread.emptyBodyMember')}
          action={
            editing && (
              <Button variant="primary" onPress={() => setDialog('new')}>
                {t('thread.new')}
              </Button>
            )
          }
        />
      ) : (
        <>
          <div className="row">
            <SelectField
              className="grow"
              label={t('thread.pick')}
              hideLabel
              options={open
                .concat(thread.status === 'archived' ? [thread] : [])
                .map((th) => ({ id: th.id, label: th.title }))}
              value={thread.id}
              onChange={(id) => void ds.openThread(id)}
            />
            {editing && (
              <ActionMenu
                label={t('thread.actions', { title: thread.title })}
                actions={[
                  { id: 'rename', label: t('common.rename'), onAction: () => setDialog('rename') },
                  thread.status === 'open'
                    ? {
                        id: 'archive',
                        label: t('thread.archive'),
                        onAction: () => void ds.setThreadStatus(thread.id, 'archived'),
                      }
                    : {
                        id: 'reopen',
                        label: t('thread.reopen'),
                        onAction: () => void ds.setThreadStatus(thread.id, 'open'),
                      },
                ]}
              />
            )}
          </div>
          <p className="meta">
            {tokenUseText(
              { used: thread.tokens_consumed, budget: thread.token_budget, held: thread.tokens_reserved },
              t,
              fmt,
            )}
            {thread.status === 'archived' && ` · ${t('thread.archived')}`}
          </p>
          {nav && nav.place !== `thread:${thread.id}` && thread.status === 'open' && (
            <Button
              size="sm"
              variant="secondary"
              aria-label={t('places.enterThread', { name: thread.title })}
              onPress={() => nav.enter(`thread:${thread.id}`)}
            >
              {t('places.enter')}
            </Button>
          )}
          {messages.length === 0 ? (
            <p className="muted">{t('thread.noMessages')}</p>
          ) : (
            <ol className="messages" aria-label={t('thread.messages')}>
              {messages.map((m) => (
                <li key={m.id} data-author={m.author_kind} className="message">
                  <span className="message-meta">
                    {t(`thread.author.${m.author_kind}`)} · {fmt.relative(m.created_at)}
                  </span>
                  <span className="message-body">{m.body}</span>
                </li>
              ))}
            </ol>
          )}
          <LiveRuns threadId={thread.id} />
          <ThreadRuns api={api} threadId={thread.id} />
          {posting ? (
            <Form className="row" onSubmit={post}>
              <TextField
                className="grow"
                label={t('thread.message')}
                hideLabel
                placeholder={t('thread.messagePlaceholder')}
                value={text}
                onChange={setText}
              />
              <Button type="submit" variant="primary" isDisabled={!text.trim()}>
                {t('thread.post')}
              </Button>
            </Form>
          ) : (
            <p className="notice">{t('thread.viewer')}</p>
          )}
          <h3 className="section-title">{t('thread.decisions')}</h3>
          {decisions.length === 0 ? (
            <p className="muted">{t('thread.noDecisions')}</p>
          ) : (
            <ul className="item-list" aria-label={t('thread.decisions')}>
              {decisions.map((d) => (
                <li key={d.id} data-status={d.status}>
                  {d.title} <span className="muted">· {t(`decisionStatus.${d.status}`)}</span>
                </li>
              ))}
            </ul>
          )}
          {editing && (
            <Form className="row" onSubmit={decide}>
              <TextField
                className="grow"
                label={t('thread.decision')}
                hideLabel
                placeholder={t('thread.decisionPlaceholder')}
                value={decision}
                onChange={setDecision}
              />
              <Button type="submit" isDisabled={!decision.trim()}>
                {t('thread.record')}
              </Button>
            </Form>
          )}
          {posting && <GovernedAction threadId={thread.id} />}
        </>
      )}
      <ErrorNotice error={dialog ? null : error} />
      {archived.length > 0 && (
        <Disclosure className="disclosure">
          <Heading level={3} className="disclosure-heading">
            <AriaButton slot="trigger" className="disclosure-trigger">
              {t('thread.archivedCount', { count: archived.length })}
            </AriaButton>
          </Heading>
          <DisclosurePanel>
            <ul className="item-list">
              {archived.map((th) => (
                <li key={th.id} className="row">
                  <span className="grow">{th.title}</span>
                  {editing && (
                    <Button size="sm" variant="quiet" onPress={() => void ds.setThreadStatus(th.id, 'open')}>
                      {t('thread.reopen')}
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          </DisclosurePanel>
        </Disclosure>
      )}
      <NameDialog
        title={t('thread.new')}
        label={t('thread.titleLabel')}
        description={t('thread.titleHelp')}
        submitLabel={t('common.create')}
        maxLength={200}
        isOpen={dialog === 'new'}
        onOpenChange={closeDialog}
        error={error}
        onSubmit={async (title) => (await ds.createThread(title)) !== null}
      />
      <NameDialog
        title={t('thread.rename')}
        label={t('thread.titleLabel')}
        submitLabel={t('common.rename')}
        maxLength={200}
        initial={thread?.title ?? ''}
        isOpen={dialog === 'rename'}
        onOpenChange={closeDialog}
        error={error}
        onSubmit={(title) => (thread ? ds.renameThread(thread.id, title) : Promise.resolve(false))}
      />
    </section>
  );
}
