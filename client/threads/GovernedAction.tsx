import { useState } from 'react';
import { Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { useDataspace, useDataspaceStore } from '../room/DataspaceContext.ts';
import { Button } from '../ui/Button.tsx';
import { SelectField } from '../ui/SelectField.tsx';
import { TextField } from '../ui/TextField.tsx';
import { EstimateReview, useTaskName } from './EstimateReview.tsx';

/** The last run's receipt: every line filled, in plain words. */
function Receipt() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const taskName = useTaskName();
  const last = useDataspace((s) => s.lastRun);
  if (!last) return null;
  const { run } = last;
  const returned = Math.max(0, run.tokens.reserved - run.tokens.used);
  return (
    <section className="receipt" aria-label={t('governed.receipt')}>
      <h4 className="section-title">{t('governed.receipt')}</h4>
      <dl className="kv">
        <div>
          <dt>{t('governed.agent')}</dt>
          <dd data-testid="run-agent">{last.run.agent.name ?? last.agentName}</dd>
        </div>
        {last.run.agent.model && (
          <div>
            <dt>{t('governed.model')}</dt>
            <dd data-testid="run-model">{last.run.agent.model}</dd>
          </div>
        )}
        <div>
          <dt>{t('governed.did')}</dt>
          <dd data-testid="run-task">{taskName(last.taskType)}</dd>
        </div>
        <div>
          <dt>{t('governed.request')}</dt>
          <dd>{last.intentText}</dd>
        </div>
        <div>
          <dt>{t('governed.quality')}</dt>
          <dd data-testid="run-eqs">{t('governed.qualityOnly', { value: fmt.number(run.eqs) })}</dd>
        </div>
        <div>
          <dt>{t('governed.charged')}</dt>
          <dd data-testid="run-tokens" data-used={run.tokens.used} data-estimated={run.tokens.estimated}>
            {t('governed.chargedValue', {
              used: fmt.tokens(run.tokens.used),
              estimated: fmt.tokens(run.tokens.estimated),
            })}
          </dd>
        </div>
        <div>
          <dt>{t('governed.returned')}</dt>
          <dd>{t('tokens.amount', { count: returned, value: fmt.tokens(returned) })}</dd>
        </div>
        <div>
          <dt>{t('governed.modelWork')}</dt>
          <dd>
            {t('governed.modelTokens', {
              count: run.tokens.modelTokens,
              value: fmt.number(run.tokens.modelTokens),
            })}
          </dd>
        </div>
        <div>
          <dt>{t('governed.wrote')}</dt>
          <dd>
            {t('governed.wroteValue', {
              messages: run.messageIds.length,
              decisions: run.decisionIds.length,
              memories: run.memoryProposalIds.length,
            })}
          </dd>
        </div>
        <div>
          <dt>{t('governed.when')}</dt>
          <dd>{fmt.dateTime(last.at)}</dd>
        </div>
        <div>
          <dt>{t('governed.reference')}</dt>
          <dd>
            <code>{run.executionId.slice(0, 8)}</code>
          </dd>
        </div>
      </dl>
    </section>
  );
}

/**
 * Asking an agent on a thread (a governed action): pick an agent, say what to do, review the
 * estimate in plain words, confirm. The run reserves, settles and audits tokens on the server; its
 * receipt shows after.
 */
export function GovernedAction({ threadId }: { threadId: string }) {
  const { t } = useTranslation();
  const ds = useDataspaceStore();
  const agents = useDataspace((s) => s.agents);
  const draft = useDataspace((s) => s.draft);
  const busy = useDataspace((s) => s.busy);
  const held = useDataspace((s) => s.held);
  const [agentId, setAgentId] = useState<string | null>(null);
  const [intent, setIntent] = useState('');
  return (
    <section className="governed stack" aria-label={t('governed.title')}>
      <h3 className="section-title">{t('governed.title')}</h3>
      <p className="muted">{t('governed.intro')}</p>
      <Form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void ds.draftAction(threadId, agentId ?? '', intent);
        }}
      >
        <SelectField
          label={t('governed.agent')}
          placeholder={t('governed.pickAgent')}
          options={agents.map((a) => ({ id: a.id, label: a.name, detail: a.description }))}
          value={agentId}
          onChange={setAgentId}
        />
        <TextField
          label={t('governed.intent')}
          description={t('governed.intentHelp')}
          multiline
          value={intent}
          onChange={setIntent}
        />
        <Button type="submit" variant="secondary">
          {t('governed.review')}
        </Button>
      </Form>
      {draft && (
        <div className="draft card" role="region" aria-label={t('governed.confirmTitle')}>
          <p>
            <strong>{draft.agent.name}</strong>{' '}
            <span className="muted">{t('governed.price', { rate: draft.agent.cost_per_1k_tokens })}</span>
          </p>
          <blockquote className="intent">{draft.intentText}</blockquote>
          <EstimateReview
            estimate={draft.estimate}
            onUsePhrasing={(text) => {
              setIntent(text);
              void ds.draftAction(threadId, draft.agent.id, text);
            }}
          />
          {draft.estimate?.agent?.humanReview && <p className="notice">{t('governed.needsReview')}</p>}
          <div className="dialog-actions">
            <Button variant="quiet" onPress={() => ds.cancelDraft()}>
              {t('common.cancel')}
            </Button>
            <Button
              variant="primary"
              isDisabled={busy || !draft.estimate?.accepted}
              onPress={() => void ds.confirmDraft()}
            >
              {t('governed.confirm')}
            </Button>
          </div>
        </div>
      )}
      {held && (
        <p className="notice" role="status" data-testid="run-held">
          {t('governed.held')}{' '}
          <Button variant="quiet" size="sm" onPress={() => void ds.withdrawHeld()}>
            {t('governed.withdraw')}
          </Button>
        </p>
      )}
      <Receipt />
    </section>
  );
}
