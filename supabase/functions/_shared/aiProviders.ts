/**
 * The agent providers of this deployment, built once from the configuration: the built-in agents
 * always, the OpenAI-compatible model server when CHENU_AI_BASE_URL or CHENU_AI_AGENTS names one.
 * Its requests go through the outbound policy (_shared/outbound: the allow-list, one deadline per
 * request for the whole streamed answer, a size cap); the pipeline relays the streamed text.
 */
import type { Agent } from '../../../shared/pipeline/schemas.ts';
import { createOutboundFetch } from './outbound/outboundFetch.ts';
import {
  createBuiltinProvider,
  createOpenAiCompatibleProvider,
  providerKinds,
  type PipelineDeps,
} from './pipeline/index.ts';
import { config } from './config.ts';

let cached: PipelineDeps['providers'] | undefined;

/** The providers runs may use. */
export function aiProviders(): PipelineDeps['providers'] {
  if (cached) return cached;
  const c = config();
  const configured = c.CHENU_AI_BASE_URL !== undefined || Object.keys(c.CHENU_AI_AGENTS).length > 0;
  cached = {
    builtin: createBuiltinProvider(),
    ...(configured
      ? {
          openaiCompatible: createOpenAiCompatibleProvider(
            {
              ...(c.CHENU_AI_BASE_URL
                ? {
                    default: {
                      baseUrl: c.CHENU_AI_BASE_URL,
                      ...(c.CHENU_AI_API_KEY ? { apiKey: c.CHENU_AI_API_KEY } : {}),
                      ...(c.CHENU_AI_MODEL ? { model: c.CHENU_AI_MODEL } : {}),
                    },
                  }
                : {}),
              agents: c.CHENU_AI_AGENTS,
              maxRetries: c.CHENU_AI_MAX_RETRIES,
              retryBaseMs: c.CHENU_AI_RETRY_BASE_MS,
            },
            createOutboundFetch({
              allow: c.CHENU_OUTBOUND_ALLOW,
              timeoutMs: c.CHENU_AI_TIMEOUT_MS,
              maxResponseBytes: c.CHENU_AI_MAX_RESPONSE_BYTES,
            }),
          ),
        }
      : {}),
  };
  return cached;
}

/** The provider kinds runs may be matched to here. */
export function availableProviders(): Agent['provider'][] {
  return providerKinds(aiProviders());
}
