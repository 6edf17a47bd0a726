/**
 * An OpenAI-compatible chat provider (OpenAI, Ollama, vLLM, llama.cpp server...): POST
 * `<baseUrl>/chat/completions`, streamed (`stream: true`, usage in the last chunk) so the pipeline
 * can show the text in the thread's room as it is generated; a server that answers with one JSON
 * completion instead is read as such. The reply's `usage` is what settles the ledger; only when a
 * server omits it are tokens counted locally (and the usage marked 'counted').
 *
 * Configuration comes from the server (environment), never from a request: a default endpoint for
 * every `openai_compatible` agent and per-agent endpoints by agent slug (base URL, key, model).
 * A 429 or 5xx answer is retried with exponential backoff (Retry-After honoured, capped) until
 * `maxRetries`, but only before any text was streamed. Every request goes through the outbound
 * policy's fetch (_shared/outbound): the base URL's addresses are checked at every request, redirects
 * too, with the policy's deadline and size cap; it runs in Node and in Deno.
 */
import { createParser } from 'eventsource-parser';
import { z } from 'zod';
import { OutboundError, type OutboundFetch, type OutboundResponse } from '../../outbound/outboundErrors.ts';
import { countTokens } from '../../../../../shared/pipeline/tokens.ts';
import { AgentOutputSchema, ProviderError, type AgentProvider, type AgentRunInput } from './AgentProvider.ts';

/** One endpoint (from server config; never from a request). */
export const OpenAiCompatibleConfigSchema = z.object({
  /** Base URL including the API version path, e.g. `http://127.0.0.1:11434/v1`. */
  baseUrl: z.url(),
  apiKey: z.string().min(1).optional(),
  /** Overrides the agent row's model name (a local server's model tag). */
  model: z.string().min(1).optional(),
});
/** Parsed endpoint configuration. */
export type OpenAiCompatibleConfig = z.infer<typeof OpenAiCompatibleConfigSchema>;

/** The provider's settings: a default endpoint and/or endpoints per agent slug, and retries. */
export const OpenAiProviderSettingsSchema = z.object({
  default: OpenAiCompatibleConfigSchema.optional(),
  agents: z.record(z.string().min(1).max(63), OpenAiCompatibleConfigSchema).default({}),
  /** Retries of a 429 or 5xx answer (before any text streamed). */
  maxRetries: z.number().int().min(0).max(6).default(2),
  /** First backoff; doubles per retry (a Retry-After header wins, at most 30 s). */
  retryBaseMs: z.number().int().min(0).max(60_000).default(500),
});
/** Parsed provider settings. */
export type OpenAiProviderSettings = z.input<typeof OpenAiProviderSettingsSchema>;

const MAX_RETRY_AFTER_MS = 30_000;

const UsageSchema = z.object({
  prompt_tokens: z.number().int().min(0),
  completion_tokens: z.number().int().min(0),
  total_tokens: z.number().int().min(0),
});

const ReplySchema = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
  usage: UsageSchema.optional(),
});

const ChunkSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(z.object({ delta: z.object({ content: z.string().nullable().optional() }).optional() }))
    .optional(),
  usage: UsageSchema.nullable().optional(),
});

/** A reply that is the structured object some models return; anything else becomes one message. */
const StructuredReplySchema = z.object({
  messages: z.array(z.string()).min(1),
  decisions: z.array(z.object({ title: z.string(), rationale: z.string().default('') })).default([]),
  memory_proposals: z.array(z.object({ kind: z.string(), content: z.string() })).default([]),
  result: z.record(z.string(), z.unknown()).default({}),
});

function systemPrompt(input: AgentRunInput): string {
  return [
    `You are the CHE·NU agent "${input.agent.name}" doing the task ${input.taskType}.`,
    'Use only the context given. Answer in plain text (Markdown lists allowed): the whole answer is',
    'posted in the thread as you write it.',
    `Answer in ${input.intent.language === 'fr' ? 'French' : 'English'}.`,
  ].join('\n');
}

function settingsOf(config: OpenAiCompatibleConfig | OpenAiProviderSettings) {
  return OpenAiProviderSettingsSchema.parse('baseUrl' in config ? { default: config } : config);
}

/** Waits `ms`, or rejects when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function retryDelay(response: OutboundResponse, attempt: number, baseMs: number): number {
  const after = Number(response.headers.get('retry-after'));
  if (Number.isFinite(after) && after >= 0) return Math.min(after * 1000, MAX_RETRY_AFTER_MS);
  return Math.min(baseMs * 2 ** attempt, MAX_RETRY_AFTER_MS);
}

/** One completion request; streamed text goes to `onText` as it arrives. */
interface Completion {
  response: OutboundResponse;
  text: string;
  usage?: z.infer<typeof UsageSchema>;
  model?: string;
  /** Server-sent events read (0: the server answered with one JSON completion, in `raw`). */
  events: number;
  raw: string;
}

async function requestCompletion(
  outbound: OutboundFetch,
  url: string,
  apiKey: string | undefined,
  body: Record<string, unknown>,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<Completion> {
  let text = '';
  let usage: z.infer<typeof UsageSchema> | undefined;
  let model: string | undefined;
  let events = 0;
  let raw = '';
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent(event) {
      events++;
      if (event.data.trim() === '[DONE]') return;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch (error) {
        throw new ProviderError(
          `provider sent a malformed stream chunk: ${event.data.slice(0, 200)}`,
          'provider_failed',
          {
            cause: error,
          },
        );
      }
      const chunk = ChunkSchema.safeParse(json);
      if (!chunk.success)
        throw new ProviderError(`provider sent a malformed stream chunk: ${event.data.slice(0, 200)}`);
      model ??= chunk.data.model;
      if (chunk.data.usage) usage = chunk.data.usage;
      const delta = chunk.data.choices?.[0]?.delta?.content;
      if (delta) {
        text += delta;
        onText(delta);
      }
    },
  });
  const response = await outbound(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream, application/json',
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    },
    body: JSON.stringify(body),
    signal,
    onChunk: (bytes) => {
      const piece = decoder.decode(bytes, { stream: true });
      if (events === 0 && raw.length < 1 << 20) raw += piece;
      parser.feed(piece);
    },
  });
  return { response, text, ...(usage ? { usage } : {}), ...(model ? { model } : {}), events, raw };
}

/** Creates the provider; every request goes through `outbound` (createOutboundFetch with the server's policy). */
export function createOpenAiCompatibleProvider(
  config: OpenAiCompatibleConfig | OpenAiProviderSettings,
  outbound: OutboundFetch,
): AgentProvider {
  const settings = settingsOf(config);
  return {
    kind: 'openai_compatible',
    async run(input) {
      const endpoint = settings.agents[input.agent.slug] ?? settings.default;
      if (!endpoint) {
        throw new ProviderError(`no OpenAI-compatible endpoint is configured for agent ${input.agent.slug}`);
      }
      const url = `${endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`;
      const user = JSON.stringify({
        intent: input.encodedText,
        text: input.intentText,
        context: input.context,
      });
      const messages = [
        { role: 'system', content: systemPrompt(input) },
        { role: 'user', content: user },
      ];
      const body = {
        model: endpoint.model ?? input.agent.model,
        messages,
        max_tokens: Math.min(input.agent.max_tokens, input.maxOutputTokens ?? input.agent.max_tokens),
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
      };
      let completion: Completion;
      for (let attempt = 0; ; attempt++) {
        let sent = false;
        try {
          completion = await requestCompletion(outbound, url, endpoint.apiKey, body, input.signal, (t) => {
            sent = true;
            input.onDelta?.(t);
          });
        } catch (error) {
          if (error instanceof ProviderError) throw error;
          if (input.signal.aborted) {
            const cancelled = (input.signal.reason as { code?: string } | undefined)?.code === 'cancelled';
            throw new ProviderError(
              cancelled ? 'the run was stopped' : `provider did not answer in time (${url})`,
              cancelled ? 'cancelled' : 'timeout',
              { cause: error },
            );
          }
          if (!(error instanceof OutboundError)) throw error;
          // the policy's fixed message: nothing about the network behind the URL
          throw new ProviderError(`provider request failed: ${error.message}`, 'provider_failed', {
            cause: error,
          });
        }
        const { response } = completion;
        const retryable = response.status === 429 || response.status >= 500;
        if (retryable && !sent && attempt < settings.maxRetries) {
          await pause(retryDelay(response, attempt, settings.retryBaseMs), input.signal).catch(
            (reason: unknown) => {
              throw new ProviderError('the run was stopped while waiting to retry', 'cancelled', {
                cause: reason,
              });
            },
          );
          continue;
        }
        if (!response.ok) {
          throw new ProviderError(
            `provider answered HTTP ${response.status}: ${response.text().slice(0, 300)}`,
          );
        }
        break;
      }
      let content = completion.text;
      let usage = completion.usage;
      let model = completion.model;
      if (completion.events === 0) {
        // a server that ignores `stream` answers with one JSON completion
        const raw = completion.raw;
        let reply: z.infer<typeof ReplySchema>;
        try {
          reply = ReplySchema.parse(JSON.parse(raw));
        } catch (error) {
          throw new ProviderError(
            `provider reply is not a chat completion: ${raw.slice(0, 300)}`,
            'provider_failed',
            {
              cause: error,
            },
          );
        }
        content = reply.choices[0]!.message.content ?? '';
        usage = reply.usage;
        model = reply.model;
        if (content) input.onDelta?.(content);
      }
      if (content.trim().length === 0) throw new ProviderError('provider returned an empty completion');
      let structured: z.infer<typeof StructuredReplySchema> | null = null;
      try {
        const parsed = StructuredReplySchema.safeParse(JSON.parse(content));
        if (parsed.success) structured = parsed.data;
      } catch {
        structured = null;
      }
      const counted = () => {
        const promptTokens = countTokens(messages.map((m) => m.content).join('\n'));
        const completionTokens = countTokens(content);
        return {
          promptTokens,
          completionTokens,
          totalTokens: promptTokens + completionTokens,
          source: 'counted' as const,
        };
      };
      const output = AgentOutputSchema.safeParse({
        messages: structured?.messages ?? [content],
        decisions: structured?.decisions ?? [],
        memoryProposals: structured?.memory_proposals ?? [],
        result: structured?.result ?? { text: content },
        usage: usage
          ? {
              promptTokens: usage.prompt_tokens,
              completionTokens: usage.completion_tokens,
              totalTokens: usage.total_tokens,
              source: 'provider' as const,
            }
          : counted(),
        model: (model ?? body.model).slice(0, 200),
      });
      if (!output.success)
        throw new ProviderError(`provider reply does not fit the agent output: ${output.error.message}`);
      return output.data;
    },
  };
}
