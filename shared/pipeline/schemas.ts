/**
 * Shapes of the catalog rows the pipeline rules read (encoding profiles and rules, agents, the
 * compatibility matrix) and of what they produce. Rows come from the database as-is; parsing them
 * here turns a bad catalog row into a clear error instead of a wrong score.
 */
import { z } from 'zod';
import { agentCompatibilityMatrixRow } from '../api/tables.generated.ts';

/** Fields of a structured intent that completeness is scored on (`required_fields` keys). */
export const INTENT_FIELDS = ['action', 'object', 'scope', 'constraints', 'output_format'] as const;
/** One of {@link INTENT_FIELDS}. */
export type IntentField = (typeof INTENT_FIELDS)[number];

/** Ambiguity signals a profile may penalise (`ambiguity_penalties` keys). */
export const AMBIGUITY_SIGNALS = [
  'unresolved_pronoun',
  'multiple_actions',
  'missing_object',
  'hedging',
] as const;
/** One of {@link AMBIGUITY_SIGNALS}. */
export type AmbiguitySignal = (typeof AMBIGUITY_SIGNALS)[number];

/** `encoding_profiles.rules`: how EQS is scored for intents encoded with the profile. */
export const EncodingProfileRulesSchema = z.object({
  version: z.number().int().optional(),
  min_eqs: z.number().min(0).max(100).default(60),
  require_scope: z.boolean().default(false),
  required_fields: z.partialRecord(z.enum(INTENT_FIELDS), z.number().min(0)),
  ambiguity_penalties: z.partialRecord(z.enum(AMBIGUITY_SIGNALS), z.number().min(0)).default({}),
  max_penalty: z.number().min(0).max(100).default(40),
});
/** Parsed `encoding_profiles.rules`. */
export type EncodingProfileRules = z.infer<typeof EncodingProfileRulesSchema>;

/** An `encoding_profiles` row (the columns the encoder uses). */
export const EncodingProfileSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  rules: EncodingProfileRulesSchema,
  compression_target: z.coerce.number().min(0).max(1),
});
/** A parsed encoding profile. */
export type EncodingProfile = z.infer<typeof EncodingProfileSchema>;

/** Kinds of `encoding_rules` rows, applied in `position` order. */
export const ENCODING_RULE_KINDS = ['synonym', 'strip', 'action', 'object', 'constraint', 'format'] as const;

/** An `encoding_rules` row: a Postgres regular expression and what a match becomes. */
export const EncodingRuleSchema = z.object({
  id: z.uuid(),
  profile_id: z.uuid(),
  position: z.number().int().min(1),
  kind: z.enum(ENCODING_RULE_KINDS),
  pattern: z.string().min(1),
  replacement: z.string(),
});
/** A parsed encoding rule. */
export type EncodingRule = z.infer<typeof EncodingRuleSchema>;

/** What an intent is about: a typed object named by the text, optionally resolved to an id. */
export const IntentObjectSchema = z.object({ type: z.string(), id: z.uuid().optional() });

/** The machine-readable form of a human intent (what `encoded_intents.encoded` stores). */
export const StructuredIntentSchema = z.object({
  /** The verb: first word of the task type (`summarize`, `extract`, ...) or null when none matched. */
  action: z.string().nullable(),
  /** The task type an agent is matched on (`summarize_thread`, ...), null when no action matched. */
  taskType: z.string().nullable(),
  objects: z.array(IntentObjectSchema),
  scope: z.object({ dataspaceId: z.uuid().optional(), threadId: z.uuid().optional() }),
  /** Named constraints (deadline, ...) with the words that expressed them; `topic` = kept keywords. */
  constraints: z.record(z.string(), z.string()),
  outputFormat: z.string().nullable(),
  language: z.enum(['fr', 'en']),
});
/** A structured intent. */
export type StructuredIntent = z.infer<typeof StructuredIntentSchema>;

/**
 * Sphere kinds (`spheres.kind`), read off the generated table schemas so the database's check
 * constraint stays the one source.
 */
export const SPHERE_KINDS = agentCompatibilityMatrixRow.shape.sphere_kind.options;
/** Domain kinds (`domains.kind`; a dataspace without a domain counts as 'general'). */
export const DOMAIN_KINDS = agentCompatibilityMatrixRow.shape.domain_kind.options;

/** An `agents` row (the columns matching and pricing use). */
export const AgentSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  provider: z.enum(['builtin', 'openai_compatible']),
  model: z.string(),
  task_types: z.array(z.string()),
  sphere_kinds: z.array(z.enum(SPHERE_KINDS)),
  domain_kinds: z.array(z.enum(DOMAIN_KINDS)),
  cost_per_1k_tokens: z.coerce.number().min(0),
  max_tokens: z.number().int().positive(),
  /** The model's context window (prompt + answer), in model tokens. */
  context_tokens: z.number().int().positive().optional(),
  external: z.boolean(),
  active: z.boolean(),
});
/** A parsed agent. */
export type Agent = z.infer<typeof AgentSchema>;

/** `agent_compatibility_matrix.constraints`: what the pipeline must apply when it picks the agent. */
export const AcmConstraintsSchema = z
  .object({
    external: z.boolean().optional(),
    exclude_sensitive_memory: z.boolean().optional(),
    human_review: z.boolean().optional(),
    memory_scope: z.enum(['locked_only']).optional(),
    min_eqs: z.number().min(0).max(100).optional(),
  })
  .loose();
/** Parsed matrix constraints. */
export type AcmConstraints = z.infer<typeof AcmConstraintsSchema>;

/** An `agent_compatibility_matrix` row. */
export const AcmRowSchema = z.object({
  agent_id: z.uuid(),
  sphere_kind: z.enum(SPHERE_KINDS),
  domain_kind: z.enum(DOMAIN_KINDS),
  task_type: z.string(),
  score: z.coerce.number().min(0).max(1),
  constraints: AcmConstraintsSchema,
});
/** A parsed matrix row. */
export type AcmRow = z.infer<typeof AcmRowSchema>;
