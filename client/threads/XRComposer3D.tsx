import { Container } from '@react-three/uikit';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { useDataspace, useDataspaceStore } from '../room/DataspaceContext.ts';
import { ACCENT, ERROR, INK, MUTED, SUCCESS } from '../spatial/spatialText.ts';
import { Panel3D } from '../spatial/Panel3D.tsx';
import { roomColors } from '../spatial/uikitTheme.ts';
import { useErrorText } from '../ui/ErrorNotice.tsx';
import { useTaskName } from './EstimateReview.tsx';
import { named, usePress } from './named.ts';
import { VirtualKeyboard3D } from './VirtualKeyboard3D.tsx';
import { PanelText } from '../spatial/panelLod.tsx';

type Mode = 'closed' | 'write' | 'act';

/**
 * What a headset user does in the open thread, on a 3D panel under it: write a message with the
 * virtual keyboard and post it, or ask an agent (a governed action) — pick the agent, type the
 * request, review what the encoder understood (task, EQS against its minimum), the most it can cost,
 * the balance and the ledger's verdict, then confirm; the receipt says what was charged. The same
 * dataspace store as the 2D thread panel, so both show the same thread, draft and run.
 */
export function XRComposer3D({ threadId }: { threadId: string | null }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const ds = useDataspaceStore();
  const taskName = useTaskName();
  const errorText = useErrorText();
  const agents = useDataspace((s) => s.agents);
  const draft = useDataspace((s) => s.draft);
  const lastRun = useDataspace((s) => s.lastRun);
  const busy = useDataspace((s) => s.busy);
  const error = useDataspace((s) => s.error);
  const [mode, setMode] = useState<Mode>('closed');
  const [text, setText] = useState('');
  const [agentIndex, setAgentIndex] = useState(0);
  const agent = agents.length > 0 ? agents[agentIndex % agents.length]! : null;
  const open = (next: Mode) => {
    ds.cancelDraft();
    ds.clearError();
    setText('');
    setMode(next);
  };
  const post = async () => {
    if (!threadId || busy || !text.trim()) return;
    if (await ds.postMessage(threadId, text.trim())) open('closed');
  };
  const review = () => {
    if (threadId && agent) void ds.draftAction(threadId, agent.id, text);
  };
  const confirm = async () => {
    if (await ds.confirmDraft()) open('closed');
  };
  const estimate = draft?.estimate ?? null;
  return (
    <Panel3D position={[0, 1.02, -0.82]} rotationX={-0.55} anchorY="top" width={620} gap={10}>
      <Container flexDirection="row" gap={10}>
        <Action
          name="xr-write"
          label={t('xrComposer.write')}
          active={mode === 'write'}
          onPress={() => open('write')}
        />
        <Action
          name="xr-act"
          label={t('xrComposer.act')}
          active={mode === 'act'}
          onPress={() => open('act')}
        />
        {mode !== 'closed' && (
          <Action name="xr-close" label={t('common.cancel')} onPress={() => open('closed')} />
        )}
      </Container>
      {lastRun && mode === 'closed' && (
        <PanelText ref={named('xr-receipt')} fontSize={18} color={SUCCESS}>
          {t('xrComposer.receipt', {
            agent: lastRun.agentName,
            used: fmt.tokens(lastRun.run.tokens.used),
            estimated: fmt.tokens(lastRun.run.tokens.estimated),
          })}
        </PanelText>
      )}
      {mode === 'act' && (
        <Container flexDirection="row" gap={10} alignItems="center">
          <PanelText fontSize={18} color={MUTED}>
            {t('governed.agent')}
          </PanelText>
          <Action
            name="xr-next-agent"
            label={agent ? `${agent.name} »` : t('xrComposer.noAgent')}
            onPress={() => {
              ds.cancelDraft();
              setAgentIndex((i) => i + 1);
            }}
          />
        </Container>
      )}
      {mode !== 'closed' && (
        <>
          <Container backgroundColor={roomColors.muted} borderRadius={8} padding={10} minHeight={48}>
            <PanelText ref={named('xr-draft-text')} fontSize={20} color={text ? INK : MUTED}>
              {text ? `${text}|` : t(mode === 'write' ? 'xrComposer.messageHint' : 'xrComposer.intentHint')}
            </PanelText>
          </Container>
          {mode === 'act' && draft && (
            <Container ref={named('xr-estimate')} flexDirection="column" gap={4}>
              {!estimate ? (
                <PanelText fontSize={18} color={MUTED}>
                  {t('governed.estimating')}
                </PanelText>
              ) : (
                <>
                  <Line label={t('governed.task')}>
                    {estimate.taskType ? taskName(estimate.taskType) : t('governed.taskUnclear')}
                  </Line>
                  <Line label={t('governed.quality')}>
                    {t('governed.qualityValue', {
                      value: fmt.number(estimate.encoded.eqs),
                      min: fmt.number(estimate.encoded.minEqs),
                    })}
                  </Line>
                  <Line label={t('governed.cost')}>
                    {estimate.estimate
                      ? t('governed.costValue', {
                          count: estimate.estimate.tokens,
                          tokens: fmt.tokens(estimate.estimate.tokens),
                        })
                      : t('governed.costNone')}
                  </Line>
                  <Line label={t('governed.balance')}>
                    {t('tokens.amount', {
                      count: estimate.balance.available,
                      value: fmt.tokens(estimate.balance.available),
                    })}
                  </Line>
                  <Line label={t('governed.verdict')} color={estimate.refusal ? ERROR : SUCCESS}>
                    {estimate.refusal
                      ? errorText({ code: estimate.refusal.code, message: estimate.refusal.message })
                      : t('governed.accepted')}
                  </Line>
                </>
              )}
            </Container>
          )}
          {error && (
            <PanelText fontSize={18} color={ERROR}>
              {errorText(error)}
            </PanelText>
          )}
          <VirtualKeyboard3D value={text} onChange={setText} />
          <Container flexDirection="row" gap={10} justifyContent="flex-end">
            {mode === 'write' && (
              <Action name="xr-post" label={t('xrComposer.post')} primary onPress={() => void post()} />
            )}
            {mode === 'act' && <Action name="xr-review" label={t('governed.review')} onPress={review} />}
            {mode === 'act' && estimate?.accepted && (
              <Action
                name="xr-confirm"
                label={t('governed.confirm')}
                primary
                onPress={() => void confirm()}
              />
            )}
          </Container>
        </>
      )}
    </Panel3D>
  );
}

function Line({ label, color = INK, children }: { label: string; color?: typeof INK; children: string }) {
  return (
    <Container flexDirection="row" gap={8}>
      <PanelText fontSize={17} color={MUTED} width={230}>
        {label}
      </PanelText>
      <PanelText fontSize={17} color={color} flexShrink={1}>
        {children}
      </PanelText>
    </Container>
  );
}

function Action({
  name,
  label,
  onPress,
  primary = false,
  active = false,
}: {
  name: string;
  label: string;
  onPress: () => void;
  primary?: boolean;
  active?: boolean;
}) {
  const press = usePress(onPress);
  const filled = primary || active;
  return (
    <Container
      ref={named(name)}
      backgroundColor={filled ? ACCENT : roomColors.secondary}
      hover={{ backgroundColor: roomColors.ring }}
      borderRadius={8}
      paddingX={14}
      paddingY={8}
      cursor="pointer"
      {...press}
    >
      <PanelText fontSize={18} color={filled ? roomColors.primaryForeground : INK}>
        {label}
      </PanelText>
    </Container>
  );
}
