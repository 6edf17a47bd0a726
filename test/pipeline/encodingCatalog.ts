/**
 * The seeded encoding catalog (supabase/seed.d/30_governance.sql) as rows, for pure unit tests.
 * test/pipeline/catalog.test.ts checks these equal the database's rows, so they cannot drift.
 */
export const PROFILES = [
  {
    id: 'c0000000-0000-4000-8000-021000000001',
    slug: 'standard',
    rules: {
      min_eqs: 60,
      version: 1,
      max_penalty: 40,
      required_fields: {
        scope: 15,
        action: 35,
        object: 25,
        constraints: 10,
        output_format: 15,
      },
      ambiguity_penalties: {
        hedging: 3,
        missing_object: 20,
        multiple_actions: 10,
        unresolved_pronoun: 5,
      },
    },
    compression_target: 0.5,
  },
  {
    id: 'c0000000-0000-4000-8000-021000000002',
    slug: 'strict',
    rules: {
      min_eqs: 80,
      version: 1,
      max_penalty: 60,
      require_scope: true,
      required_fields: {
        scope: 25,
        action: 30,
        object: 25,
        constraints: 10,
        output_format: 10,
      },
      ambiguity_penalties: {
        hedging: 6,
        missing_object: 40,
        multiple_actions: 20,
        unresolved_pronoun: 10,
      },
    },
    compression_target: 0.35,
  },
] as const;

export const RULES = [
  {
    id: 'c0000000-0000-4000-8000-021100000001',
    profile_id: 'c0000000-0000-4000-8000-021000000001',
    position: 1,
    kind: 'strip',
    pattern: "\\m(s'il (te|vous) pla[iî]t|please|kindly)\\M",
    replacement: '',
  },
  {
    id: 'c0000000-0000-4000-8000-021100000002',
    profile_id: 'c0000000-0000-4000-8000-021000000001',
    position: 2,
    kind: 'strip',
    pattern: '\\m(peux-tu|pourrais-tu|can you|could you)\\M',
    replacement: '',
  },
  {
    id: 'c0000000-0000-4000-8000-021100000003',
    profile_id: 'c0000000-0000-4000-8000-021000000001',
    position: 3,
    kind: 'synonym',
    pattern: '\\m(récapitule|sum up|recap)\\M',
    replacement: 'summarize',
  },
  {
    id: 'c0000000-0000-4000-8000-021100000004',
    profile_id: 'c0000000-0000-4000-8000-021000000001',
    position: 4,
    kind: 'action',
    pattern: '\\m(summari[sz]e|résumer?)\\M',
    replacement: 'summarize_thread',
  },
  {
    id: 'c0000000-0000-4000-8000-021100000005',
    profile_id: 'c0000000-0000-4000-8000-021000000001',
    position: 5,
    kind: 'action',
    pattern: '\\m(t[aâ]ches|to-?dos?|action items?|liste des choses)\\M',
    replacement: 'extract_tasks',
  },
  {
    id: 'c0000000-0000-4000-8000-021100000006',
    profile_id: 'c0000000-0000-4000-8000-021000000001',
    position: 6,
    kind: 'action',
    pattern: '\\m(estim\\w*|soumission|quote)\\M',
    replacement: 'draft_estimate',
  },
  {
    id: 'c0000000-0000-4000-8000-021100000007',
    profile_id: 'c0000000-0000-4000-8000-021000000001',
    position: 7,
    kind: 'action',
    pattern: '\\m(rappelle-moi|remember|que sais-tu)\\M',
    replacement: 'answer_from_memory',
  },
  {
    id: 'c0000000-0000-4000-8000-021100000008',
    profile_id: 'c0000000-0000-4000-8000-021000000001',
    position: 8,
    kind: 'object',
    pattern: '\\m(fil|thread)\\M',
    replacement: 'thread',
  },
  {
    id: 'c0000000-0000-4000-8000-021100000009',
    profile_id: 'c0000000-0000-4000-8000-021000000001',
    position: 9,
    kind: 'constraint',
    pattern: '\\m(avant|before|by) (le )?\\d{1,2}\\M',
    replacement: 'deadline',
  },
  {
    id: 'c0000000-0000-4000-8000-02110000000a',
    profile_id: 'c0000000-0000-4000-8000-021000000001',
    position: 10,
    kind: 'format',
    pattern: '\\m(liste à puces|bullets?( points)?|en liste)\\M',
    replacement: 'list',
  },
  {
    id: 'c0000000-0000-4000-8000-02110000000b',
    profile_id: 'c0000000-0000-4000-8000-021000000002',
    position: 1,
    kind: 'strip',
    pattern: "\\m(s'il (te|vous) pla[iî]t|please|kindly|peux-tu|can you)\\M",
    replacement: '',
  },
  {
    id: 'c0000000-0000-4000-8000-02110000000c',
    profile_id: 'c0000000-0000-4000-8000-021000000002',
    position: 2,
    kind: 'action',
    pattern: '\\m(summari[sz]e|résumer?)\\M',
    replacement: 'summarize_thread',
  },
  {
    id: 'c0000000-0000-4000-8000-02110000000d',
    profile_id: 'c0000000-0000-4000-8000-021000000002',
    position: 3,
    kind: 'action',
    pattern: '\\m(t[aâ]ches|to-?dos?|liste des choses)\\M',
    replacement: 'extract_tasks',
  },
  {
    id: 'c0000000-0000-4000-8000-02110000000e',
    profile_id: 'c0000000-0000-4000-8000-021000000002',
    position: 4,
    kind: 'object',
    pattern: '\\m(fil|thread)\\M',
    replacement: 'thread',
  },
  {
    id: 'c0000000-0000-4000-8000-02110000000f',
    profile_id: 'c0000000-0000-4000-8000-021000000002',
    position: 5,
    kind: 'format',
    pattern: '\\m(liste à puces|bullets?( points)?|en liste)\\M',
    replacement: 'list',
  },
] as const;

export const STANDARD = PROFILES.find((p) => p.slug === 'standard')!;
export const STRICT = PROFILES.find((p) => p.slug === 'strict')!;
