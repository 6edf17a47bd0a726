import { describe, expect, it } from 'vitest';
import { encodeIntent } from '../../shared/pipeline/encodeIntent.ts';
import { INTENT_EXAMPLES, suggestPhrasings, taskTypesOfAgent } from '../../shared/pipeline/intentExamples.ts';
import { RULES, STANDARD, STRICT } from './encodingCatalog.ts';

const THREAD = '00000000-0000-4000-8000-000000000001';
const DATASPACE = '00000000-0000-4000-8000-000000000002';
const context = { threadId: THREAD, dataspaceId: DATASPACE };
const ACTION_TASKS = [
  ...new Set(
    RULES.filter((r) => r.profile_id === STANDARD.id && r.kind === 'action').map((r) => r.replacement),
  ),
];

describe('suggested phrasings (shared/pipeline/intentExamples)', () => {
  it('are read by the seeded standard profile as their own task, and pass', () => {
    for (const [task, phrasings] of Object.entries(INTENT_EXAMPLES)) {
      for (const [language, text] of Object.entries(phrasings)) {
        const r = encodeIntent(text, STANDARD, RULES, context);
        expect(r.intent.taskType, `${language}: ${text}`).toBe(task);
        expect(r.intent.language, `${language}: ${text}`).toBe(language);
        expect(r.passes, `${language}: ${text} (EQS ${r.eqs}, ${r.issues.join('; ')})`).toBe(true);
        expect(r.suggestions).toEqual([]);
      }
    }
    // every task the standard profile recognises has phrasings to suggest
    expect(ACTION_TASKS.filter((task) => !INTENT_EXAMPLES[task])).toEqual([]);
  });

  it('come with an intent the encoder cannot classify, in its language, and keep to the agent’s tasks', () => {
    const en = encodeIntent('Hello, what is the weather like on the terrace?', STANDARD, RULES, context);
    expect(en.intent.taskType).toBeNull();
    expect(en.passes).toBe(false);
    expect(en.suggestions).toEqual(ACTION_TASKS.map((task) => INTENT_EXAMPLES[task]!.en));
    const fr = encodeIntent('Bonjour, quelle belle journée pour le chantier', STANDARD, RULES, {
      ...context,
      agentTaskTypes: ['summarize_thread'],
    });
    expect(fr.suggestions).toEqual([INTENT_EXAMPLES.summarize_thread!.fr]);
    // the strict profile reads fewer tasks: it suggests only those
    const strict = encodeIntent('Bonjour tout le monde', STRICT, RULES, context);
    expect(strict.suggestions).toEqual([
      INTENT_EXAMPLES.summarize_thread!.fr,
      INTENT_EXAMPLES.extract_tasks!.fr,
    ]);
    // a classified intent that fails for another reason suggests nothing
    expect(encodeIntent('résumer peut-être ça', STANDARD, RULES, {}).suggestions).toEqual([]);
  });

  it('reads the task types of an agent among unparsed catalog rows', () => {
    const rows: unknown[] = [null, { id: 'a', task_types: ['summarize_thread', 7] }, { id: 'b' }];
    expect(taskTypesOfAgent(rows, 'a')).toEqual(['summarize_thread']);
    expect(taskTypesOfAgent(rows, 'b')).toEqual([]);
    expect(taskTypesOfAgent(rows, 'c')).toEqual([]);
    expect(suggestPhrasings([{ kind: 'action', replacement: 'unknown_task' }], 'fr')).toEqual([]);
  });
});
