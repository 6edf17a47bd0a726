/**
 * A real AI provider end to end, against a loopback server speaking OpenAI's chat completions
 * protocol: the answer streams into the thread's room as it is generated (the outbox → relay →
 * LISTEN path the rooms use), the provider's reported usage settles the ledger, a 429/5xx is retried
 * with backoff, and the runner can stop a run mid-stream (hold released, nothing written).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceTokens } from '../../shared/pipeline/estimateCost.ts';
import type { DbEventMessage } from '../../shared/protocol/spatialProtocol.ts';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { createOpenAiCompatibleProvider } from '../../supabase/functions/_shared/pipeline/providers/openAiCompatibleProvider.ts';
import { cancelRun } from '../../supabase/functions/_shared/pipeline/reviewRuns.ts';
import { runGovernedExecution } from '../../supabase/functions/_shared/pipeline/runGovernedExecution.ts';
import type { PipelineDeps } from '../../supabase/functions/_shared/pipeline/types.ts';
import { NotifyBridge } from '../../server/realtime/notifyBridge.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { loopbackOutbound, startChatServer } from './chatServer.ts';

const db = useIsolatedDatabase('stream');
const B1_THREAD = seedId('b1', '0004');
const B1_DATASPACE = seedId('b1', '0003');
const EXTERNAL = 'c0000000-0000-4000-8000-022000000005';
const EXTERNAL_RATE = 2500;

let chat: Awaited<ReturnType<typeof startChatServer>>;
let deps: PipelineDeps;
let bridge: NotifyBridge;
const events: DbEventMessage[] = [];
const waiters: { test: () => boolean; resolve: () => void }[] = [];

/** Resolves once an event of the room satisfies `test` (events are awaited, never slept for). */
function until(test: () => boolean): Promise<void> {
  if (test()) return Promise.resolve();
  return new Promise((resolve) => waiters.push({ test, resolve }));
}
const deltas = () => events.filter((e) => e.table === 'agent_stream' && !(e.data as { done?: boolean }).done);

beforeAll(async () => {
  chat = await startChatServer();
  deps = {
    data: db.data(),
    providers: {
      builtin: createBuiltinProvider(),
      openaiCompatible: createOpenAiCompatibleProvider(
        { default: { baseUrl: chat.baseUrl, apiKey: 'local-test-key' }, retryBaseMs: 5 },
        loopbackOutbound(),
      ),
    },
  };
  bridge = new NotifyBridge(db.sql(), () => {}, { intervalMs: 20 });
  await bridge.start();
  // what the dataspace's SpatialRoom relays to its clients
  bridge.subscribe(`dataspace:${B1_DATASPACE}`, (event) => {
    events.push(event);
    for (const w of [...waiters]) {
      if (w.test()) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
});
afterAll(async () => {
  await bridge.stop();
  await chat.close();
});

async function account() {
  const [a] =
    await db.sql()`select balance::int, reserved::int from public.token_accounts where identity_id = ${SEED.b1}`;
  return a as { balance: number; reserved: number };
}

describe('an OpenAI-compatible provider', () => {
  it('streams the answer into the room as it is generated and settles the reported usage', async () => {
    events.length = 0;
    const chunks = ['Option ', 'retenue : ', 'gîte à Percé.'];
    // each chunk leaves the model server only once the previous one reached the room
    chat.setMode({
      kind: 'stream',
      chunks,
      usage: { prompt_tokens: 300, completion_tokens: 100, total_tokens: 400 },
      gate: (i) =>
        until(
          () =>
            deltas()
              .map((e) => (e.data as { delta: string }).delta)
              .join('').length >= chunks.slice(0, i).join('').length,
        ),
    });
    const before = await account();
    const r = await runGovernedExecution(deps, asIdentity('b1'), {
      intentText: 'Résume le fil',
      threadId: B1_THREAD,
      agentId: EXTERNAL,
      idempotencyKey: `stream-${crypto.randomUUID()}`,
    });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    // the last chunk and the end of the stream reach the room just after the run returns
    await until(() =>
      events.some(
        (e) =>
          e.table === 'agent_stream' &&
          e.id === r.executionId &&
          (e.data as { done?: boolean }).done === true,
      ),
    );
    const streamed = deltas().filter((e) => e.id === r.executionId);
    expect(streamed.map((e) => (e.data as { delta: string }).delta).join('')).toBe(chunks.join(''));
    expect(streamed.map((e) => (e.data as { seq: number }).seq)).toEqual([...streamed.keys()]);
    // the runner is named: the rooms offer Stop to that identity only
    expect(streamed[0]!.data).toMatchObject({
      threadId: B1_THREAD,
      agent: 'openai-compatible',
      runner: SEED.b1,
    });
    // the thread holds the whole answer, written once when the run settled
    const [message] = await db.sql()`select body from public.messages where id = ${r.messageIds[0]!}`;
    expect(message!.body).toBe(chunks.join(''));
    // the provider's usage, priced at the agent's rate, is what the ledger committed
    expect(r.tokens.modelTokens).toBe(400);
    expect(r.tokens.used).toBe(priceTokens(400, EXTERNAL_RATE));
    expect(r.agent).toMatchObject({ slug: 'openai-compatible', model: 'llama-3.1-8b-instruct-q4' });
    const after = await account();
    expect(before.balance - after.balance).toBe(r.tokens.used);
    expect(after.reserved).toBe(before.reserved);
    // the request asked for a stream with usage, and at most the answer the estimate reserved for
    const sent = chat.requests.at(-1)!;
    expect(sent).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(sent.max_tokens).toBeLessThanOrEqual(16384);
  });

  it('retries a 429 and a 503 with backoff before anything streamed', async () => {
    const sent = chat.requests.length;
    chat.setMode({
      kind: 'failThen',
      statuses: [429, 503],
      then: {
        kind: 'stream',
        chunks: ['Réessayé.'],
        usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
      },
    });
    const r = await runGovernedExecution(deps, asIdentity('b1'), {
      intentText: 'Résume le fil',
      threadId: B1_THREAD,
      agentId: EXTERNAL,
      idempotencyKey: `retry-${crypto.randomUUID()}`,
    });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(chat.requests.length - sent).toBe(3);
    if (r.ok) {
      await until(() =>
        events.some((e) => e.id === r.executionId && (e.data as { done?: boolean }).done === true),
      );
    }
  });

  it('stops when the runner cancels mid-stream: the hold returns and nothing is written', async () => {
    // runs of the tests above, whose last events may still be arriving
    const finished = new Set(events.map((e) => e.id));
    chat.setMode({ kind: 'stream', chunks: ['Début ', 'jamais fini'], hangAfter: 1 });
    const before = await account();
    const [messages0] =
      await db.sql()`select count(*)::int as n from public.messages where thread_id = ${B1_THREAD}`;
    const run = runGovernedExecution(deps, asIdentity('b1'), {
      intentText: 'Résume le fil',
      threadId: B1_THREAD,
      agentId: EXTERNAL,
      idempotencyKey: `cancel-${crypto.randomUUID()}`,
    });
    await until(() => deltas().some((e) => !finished.has(e.id)));
    const executionId = deltas().find((e) => !finished.has(e.id))!.id;
    // nobody but its runner stops it (the rooms offer Stop to the runner only): answered as no run
    await expect(cancelRun(db.data(), asIdentity('a1'), executionId)).rejects.toMatchObject({
      code: 'P0002',
    });
    expect(await cancelRun(db.data(), asIdentity('b1'), executionId)).toBe('running');
    const r = await run;
    expect(!r.ok && r.code).toBe('cancelled');
    await chat.aborted;
    const [row] =
      await db.sql()`select status, error->>'code' as code from public.agent_executions where id = ${executionId}`;
    expect(row).toEqual({ status: 'cancelled', code: 'cancelled' });
    const after = await account();
    expect(after).toEqual(before);
    const [messages1] =
      await db.sql()`select count(*)::int as n from public.messages where thread_id = ${B1_THREAD}`;
    expect(messages1!.n).toBe(messages0!.n);
  });
});
