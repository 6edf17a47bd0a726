/**
 * Door: the AI provider's base URL (CHENU_AI_BASE_URL / CHENU_AI_AGENTS, every request through the
 * outbound policy). Tried with loopback, private, link-local/metadata and IPv6 loopback literals, and
 * with a name that resolves to a private address: the functions refuse to start on a literal the
 * policy refuses (unless an operator allow-lists it), and a run against a name resolving privately
 * fails with the policy's fixed message without a byte sent.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundFetch } from '../../supabase/functions/_shared/outbound/outboundFetch.ts';
import { parseAllowList } from '../../supabase/functions/_shared/outbound/addressPolicy.ts';
import { createOpenAiCompatibleProvider } from '../../supabase/functions/_shared/pipeline/providers/openAiCompatibleProvider.ts';
import { ProviderError } from '../../supabase/functions/_shared/pipeline/providers/AgentProvider.ts';
import { denoBinary } from '../../server/gateway/denoFunctions.ts';
import { startChatServer } from '../pipeline/chatServer.ts';

let chat: Awaited<ReturnType<typeof startChatServer>>;
beforeAll(async () => {
  chat = await startChatServer();
  chat.setMode({ kind: 'reply', content: 'should never be asked' });
});
afterAll(() => chat.close());

/** The functions' own configuration check (supabase/functions/_shared/config.ts), run by Deno. */
async function functionsConfig(env: Record<string, string>): Promise<string> {
  const script = `
    import { parseConfig } from './supabase/functions/_shared/config.ts';
    try { parseConfig(${JSON.stringify({ SUPABASE_DB_URL: 'postgresql://x@127.0.0.1/x', CHENU_JWT_SECRET: 'a'.repeat(40), ...env })}); console.log('accepted'); }
    catch (e) { console.log(e.message); }`;
  const { stdout } = await promisify(execFile)(denoBinary(), ['eval', '--ext=ts', script], {
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
  });
  return stdout.trim();
}

const agent = {
  id: 'c0000000-0000-4000-8000-022000000005',
  slug: 'openai-compatible',
  name: 'Externe',
  provider: 'openai_compatible' as const,
  model: 'm',
  task_types: ['summarize_thread'],
  sphere_kinds: [],
  domain_kinds: [],
  cost_per_1k_tokens: 1,
  max_tokens: 100,
  external: true,
  active: true,
};
const input = (signal: AbortSignal) => ({
  agent,
  taskType: 'summarize_thread',
  intentText: 'Résume',
  intent: { language: 'fr' } as never,
  encodedText: 'summarize thread',
  context: {},
  signal,
});

describe('AI provider base URLs', () => {
  it(
    'refuses to start on a base URL the outbound policy refuses, unless allow-listed',
    { timeout: 60_000 },
    async () => {
      for (const url of [
        'http://127.0.0.1:11434/v1',
        'http://10.0.0.5/v1',
        'http://169.254.169.254/v1',
        'http://[::1]:8080/v1',
        'http://localhost:11434/v1',
      ]) {
        expect(await functionsConfig({ CHENU_AI_BASE_URL: url }), url).toMatch(
          /CHENU_AI_BASE_URL: the outbound policy refuses/,
        );
      }
      expect(
        await functionsConfig({
          CHENU_AI_AGENTS: JSON.stringify({ 'openai-compatible': { baseUrl: 'http://192.168.1.2/v1' } }),
        }),
      ).toMatch(/CHENU_AI_AGENTS\.openai-compatible: the outbound policy refuses/);
      expect(
        await functionsConfig({
          CHENU_AI_BASE_URL: 'http://127.0.0.1:11434/v1',
          CHENU_OUTBOUND_ALLOW: '127.0.0.1:11434',
        }),
      ).toBe('accepted');
    },
  );

  it('sends nothing to a loopback server that is not allow-listed, nor to a name resolving to a private address', async () => {
    const sent = chat.requests.length;
    const policy = { timeoutMs: 2000, maxResponseBytes: 1 << 16 };
    const loopback = createOpenAiCompatibleProvider(
      { baseUrl: chat.baseUrl },
      createOutboundFetch({ allow: [], ...policy }),
    );
    const rebinding = createOpenAiCompatibleProvider(
      { baseUrl: 'https://models.example.test/v1' },
      createOutboundFetch({ allow: [], ...policy, resolve: () => Promise.resolve(['10.1.2.3']) }),
    );
    for (const provider of [loopback, rebinding]) {
      const error = await provider.run(input(new AbortController().signal)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).message).toBe(
        'provider request failed: the destination was unreachable, too slow or not allowed',
      );
    }
    expect(chat.requests.length).toBe(sent);
    // the same server, allow-listed by an operator, is asked
    const allowed = createOpenAiCompatibleProvider(
      { baseUrl: chat.baseUrl },
      createOutboundFetch({ allow: parseAllowList(`127.0.0.1:${new URL(chat.baseUrl).port}`), ...policy }),
    );
    expect((await allowed.run(input(new AbortController().signal))).messages).toEqual([
      'should never be asked',
    ]);
    expect(chat.requests.length).toBe(sent + 1);
  });
});
