/**
 * An OpenAI-compatible chat provider (OpenAI, Ollama, vLLM, llama.cpp server...): POST
 * `<baseUrl>/chat/completions`. The reply's `usage` is what settles the ledger; only when a server
 * omits it are tokens counted locally (and the usage marked 'counted'). Requests go through the
 * outbound policy's fetch (server/outbound): the base URL's addresses are checked at every request,
 * redirects too, with the policy's deadline and response size cap; it runs in Node and in Deno.
 */
import { z } from 'zod';
import { OutboundError, type OutboundFetch, type OutboundResponse } from '../../outbound/outboundErrors.ts';
import { countTokens } from '../../../shared/pipeline/tokens.ts';
import { AgentOutputSchema, ProviderError, type AgentProvider, type AgentRunInput } from './AgentProvider.ts';

/** Provider configuration (from server config; never from a request). */
export const OpenAiCompatibleConfigSchema = z.object({
  /** Base URL including the API version path, e.g. `http://127.0.0.1:11434/v1`. */
  baseUrl: z.url(),
  apiKey: z.string().min(1).optional(),
  /** Overrides the agent row's model name (a local server's model tag). */
  model: z.string().min(1).optional(),
});
/** Parsed provider configuration. */
export type OpenAiCompatibleConfig = z.infer<typeof OpenAiCompatibleConfigSchema>;

const ReplySchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
  usage: z
    .object({
      prompt_tokens: z.number().int().min(0),
      completion_tokens: z.number().int().min(0),
      total_tokens: z.number().int().min(0),
    })
    .optional(),
});

/** The structured answer the system prompt asks for; anything else becomes one plain message. */
const StructuredReplySchema = z.object({
  messages: z.array(z.string()).min(1),
  decisions: z.array(z.object({ title: z.string(), rationale: z.string().default('') })).default([]),
  memory_proposals: z.array(z.object({ kind: z.string(), content: z.string() })).default([]),
  result: z.record(z.string(), z.unknown()).default({}),
});

function systemPrompt(input: AgentRunInput): string {
  return [
    `You are the CHE·NU agent "${input.agent.name}" doing the task ${input.taskType}.`,
    'Use only the context given. Reply with one JSON object:',
    '{"messages": [string], "decisions": [{"title": string, "rationale": string}],',
    ' "memory_proposals": [{"kind": "fact|preference|summary|decision|task|note", "content": string}], "result": {}}',
    `Answer in ${input.intent.language === 'fr' ? 'French' : 'English'}.`,
  ].join('\n');
}

/** Creates the provider; every request goes through `outbound` (createOutboundFetch with the server's policy). */
export function createOpenAiCompatibleProvider(
  config: OpenAiCompatibleConfig,
  outbound: OutboundFetch,
): AgentProvider {
  const { baseUrl, apiKey, model } = OpenAiCompatibleConfigSchema.parse(config);
  const url = `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    kind: 'openai_compatible',
    async run(input) {
      const user = JSON.stringify({
        intent: input.encodedText,
        text: input.intentText,
        context: input.context,
      });
      const messages = [
        { role: 'system', content: systemPrompt(input) },
        { role: 'user', content: user },
      ];
      let response: OutboundResponse;
      try {
        response = await outbound(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: model ?? input.agent.model,
            messages,
            max_tokens: input.agent.max_tokens,
            temperature: 0,
          }),
          signal: input.signal,
        });
      } catch (error) {
        if (input.signal.aborted)
          throw new ProviderError(`provider did not answer in time (${url})`, 'timeout', { cause: error });
        if (!(error instanceof OutboundError)) throw error;
        // the policy's fixed message: nothing about the network behind the URL
        throw new ProviderError(`provider request failed: ${error.message}`, 'provider_failed', {
          cause: error,
        });
      }
      const raw = response.text();
      if (!response.ok)
        throw new ProviderError(`provider answered HTTP ${response.status}: ${raw.slice(0, 300)}`);
      let reply: z.infer<typeof ReplySchema>;
      try {
        reply = ReplySchema.parse(JSON.parse(raw));
      } catch (error) {
        throw new ProviderError(
          `provider reply is not a chat completion: ${raw.slice(0, 300)}`,
          'provider_failed',
          { cause: error },
        );
      }
      const content = reply.choices[0]!.message.content ?? '';
      if (content.trim().length === 0) throw new ProviderError('provider returned an empty completion');
      let structured: z.infer<typeof StructuredReplySchema> | null = null;
      try {
        const parsed = StructuredReplySchema.safeParse(JSON.parse(content));
        if (parsed.success) structured = parsed.data;
      } catch {
        structured = null;
      }
      const usage = reply.usage
        ? {
            promptTokens: reply.usage.prompt_tokens,
            completionTokens: reply.usage.completion_tokens,
            totalTokens: reply.usage.total_tokens,
            source: 'provider' as const,
          }
        : (() => {
            const promptTokens = countTokens(messages.map((m) => m.content).join('\n'));
            const completionTokens = countTokens(content);
            return {
              promptTokens,
              completionTokens,
              totalTokens: promptTokens + completionTokens,
              source: 'counted' as const,
            };
          })();
      const output = AgentOutputSchema.safeParse({
        messages: structured?.messages ?? [content],
        decisions: structured?.decisions ?? [],
        memoryProposals: structured?.memory_proposals ?? [],
        result: structured?.result ?? { text: content },
        usage,
      });
      if (!output.success)
        throw new ProviderError(`provider reply does not fit the agent output: ${output.error.message}`);
      return output.data;
    },
  };
}
