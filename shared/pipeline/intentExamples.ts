/**
 * Phrasings the semantic encoder reads, per task type and language: what a refusal for an intent it
 * could not classify suggests instead (issue 19: a helpful refusal that costs nothing). Each one is
 * checked against the seeded standard profile by test/pipeline/intentExamples.test.ts: it encodes to
 * its task type and passes.
 */
import type { EncodingRule } from './schemas.ts';

/** Example requests by task type, in French and English. */
export const INTENT_EXAMPLES: Readonly<Record<string, { readonly fr: string; readonly en: string }>> = {
  summarize_thread: {
    fr: 'Résume ce fil en liste à puces',
    en: 'Summarize this thread as bullet points',
  },
  extract_tasks: {
    fr: 'Fais la liste des tâches de ce fil en liste à puces',
    en: 'List the action items of this thread as bullet points',
  },
  draft_estimate: {
    fr: 'Prépare une estimation des travaux de ce fil en liste à puces',
    en: 'Draft an estimate of the work in this thread as bullet points',
  },
  answer_from_memory: {
    fr: 'Rappelle-moi ce qui a été décidé dans ce fil',
    en: 'Remember what was decided in this thread',
  },
};

/**
 * What to suggest for an intent the encoder could not read: the examples of the task types the
 * profile's action rules recognise (in rule order), narrowed to `taskTypes` when given (the chosen
 * agent's), in `language`. Empty when none applies.
 */
export function suggestPhrasings(
  rules: readonly Pick<EncodingRule, 'kind' | 'replacement'>[],
  language: 'fr' | 'en',
  taskTypes?: readonly string[],
): string[] {
  const recognised = [...new Set(rules.filter((r) => r.kind === 'action').map((r) => r.replacement))];
  return recognised
    .filter((task) => !taskTypes || taskTypes.length === 0 || taskTypes.includes(task))
    .map((task) => INTENT_EXAMPLES[task]?.[language])
    .filter((text): text is string => typeof text === 'string');
}

/** The task types of agent `agentId` among catalog rows (as loaded, unparsed); none when absent. */
export function taskTypesOfAgent(agents: readonly unknown[], agentId: string): string[] {
  for (const row of agents) {
    const a = row as { id?: unknown; task_types?: unknown } | null;
    if (a?.id === agentId && Array.isArray(a.task_types)) {
      return a.task_types.filter((t): t is string => typeof t === 'string');
    }
  }
  return [];
}
