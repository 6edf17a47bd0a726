/**
 * Semantic encoding (pipeline step 2): turns an intent written in French or English into a
 * structured intent with the rules of one encoding profile, and scores it (EQS 0..100) from
 * completeness (weights of the required fields present) minus ambiguity penalties, capped by the
 * profile. Pure: the profile and its rules are passed in as rows.
 */
import { suggestPhrasings } from './intentExamples.ts';
import { compilePgRegex } from './pgRegex.ts';
import {
  EncodingProfileSchema,
  EncodingRuleSchema,
  INTENT_FIELDS,
  type AmbiguitySignal,
  type EncodingProfile,
  type EncodingRule,
  type IntentField,
  type StructuredIntent,
} from './schemas.ts';
import { countTokens } from './tokens.ts';

/** What the caller already knows about the intent: its scope, and a fixed task type (workflow steps). */
export interface EncodeContext {
  dataspaceId?: string;
  threadId?: string;
  taskType?: string;
  /** The task types the chosen agent does: a refusal's suggested phrasings keep to them. */
  agentTaskTypes?: readonly string[];
}

/** One ambiguity signal found in the text, with what it cost. */
export interface AmbiguityFinding {
  signal: AmbiguitySignal;
  count: number;
  penalty: number;
}

/** The encoder's output: the structured intent, its compact text form, its score and its tokens. */
export interface EncodingResult {
  intent: StructuredIntent;
  /** The compact form an agent is given instead of the raw words. */
  encodedText: string;
  eqs: number;
  completeness: number;
  penalty: number;
  fieldsPresent: IntentField[];
  ambiguities: AmbiguityFinding[];
  minEqs: number;
  /** True when EQS reaches the profile's minimum and every hard requirement holds. */
  passes: boolean;
  /** Why it does not pass (empty when it does). */
  issues: string[];
  /**
   * When no action was recognised: phrasings the profile does read (intentExamples.ts), in the
   * intent's language, for the refusal to suggest. Empty otherwise.
   */
  suggestions: string[];
  tokensOriginal: number;
  tokensEncoded: number;
  tokensSaved: number;
}

/** Bad input to the encoder (empty or oversized text, a profile without rules). */
export class EncodingInputError extends Error {
  override readonly name = 'EncodingInputError';
}

/** Maximum intent length, as `encoded_intents.original_text` allows. */
export const MAX_INTENT_CHARS = 20_000;

const STOPWORDS = new Set(
  (
    'le la les l un une des du de d et ou en à au aux a sur sous dans pour par avec sans ce cet cette ces mon ma mes ' +
    'ton ta tes son sa ses notre nos votre vos leur leurs je tu il elle on nous vous ils elles me te se moi toi lui ' +
    'qui que quoi dont où est sont être avoir fait faire fais-moi donne-moi stp svp merci ne pas plus moins tout tous ' +
    'the a an and or of to in on at for by with without from into about this that these those my your our their ' +
    'i you he she we they me him her us them is are be was were do does make give please thanks what which who ' +
    'some any all more less just also then than so it its'
  ).split(' '),
);
const PRONOUNS =
  /(?<![\p{L}\p{N}_])(it|them|ça|cela|ceci|celui-ci|celle-ci|ceux-ci|celles-ci)(?![\p{L}\p{N}_])/giu;
const HEDGES =
  /(?<![\p{L}\p{N}_])(maybe|perhaps|possibly|probably|sort of|kind of|i guess|i think|peut-être|peut être|probablement|éventuellement|genre|je pense|je crois|plus ou moins)(?![\p{L}\p{N}_])/giu;
const FR_MARKERS =
  /(?<![\p{L}])(le|la|les|des|du|une|et|est|pour|sur|avec|dans|fil|moi|tu|vous|qui|quoi)(?![\p{L}])/giu;
const EN_MARKERS = /(?<![\p{L}])(the|an|and|is|for|on|with|in|thread|me|you|what|please|of|to)(?![\p{L}])/giu;
const FR_ACCENTS = /[àâçéèêëîïôûùüÿœ]/giu;

function countMatches(re: RegExp, text: string): number {
  return [...text.matchAll(re)].length;
}

function blank(text: string, start: number, length: number): string {
  return text.slice(0, start) + ' '.repeat(length) + text.slice(start + length);
}

/** Applies one rule to `text`, calling `onMatch` per match and blanking what it consumed. */
function consume(text: string, re: RegExp, onMatch: (match: string, index: number) => void): string {
  let out = text;
  for (const m of text.matchAll(re)) {
    onMatch(m[0], m.index);
    out = blank(out, m.index, m[0].length);
  }
  return out;
}

/** The compact text an agent receives: task, objects, format and constraints, no filler words. */
export function renderEncoded(intent: StructuredIntent): string {
  const parts = [intent.taskType ?? '?'];
  if (intent.objects.length > 0) parts.push(intent.objects.map((o) => o.type).join(','));
  if (intent.outputFormat) parts.push(`fmt=${intent.outputFormat}`);
  for (const [k, v] of Object.entries(intent.constraints)) parts.push(`${k}=${v}`);
  return parts.join(' ');
}

/**
 * Encodes `text` with `profile` and its `rules` (rows of other profiles are ignored; order is
 * `position`). Throws EncodingInputError for empty or oversized text and for rows that do not
 * parse; a stored pattern that does not compile throws PgRegexError.
 */
export function encodeIntent(
  text: string,
  profileRow: unknown,
  ruleRows: readonly unknown[],
  context: EncodeContext = {},
): EncodingResult {
  if (typeof text !== 'string' || text.trim().length === 0) {
    throw new EncodingInputError('encodeIntent: the intent text is empty');
  }
  if (text.length > MAX_INTENT_CHARS) {
    throw new EncodingInputError(`encodeIntent: the intent text exceeds ${MAX_INTENT_CHARS} characters`);
  }
  const parsedProfile = EncodingProfileSchema.safeParse(profileRow);
  if (!parsedProfile.success) {
    throw new EncodingInputError(`encodeIntent: bad encoding profile: ${parsedProfile.error.message}`);
  }
  const profile: EncodingProfile = parsedProfile.data;
  const rules: EncodingRule[] = ruleRows
    .map((row) => {
      const r = EncodingRuleSchema.safeParse(row);
      if (!r.success) throw new EncodingInputError(`encodeIntent: bad encoding rule: ${r.error.message}`);
      return r.data;
    })
    .filter((r) => r.profile_id === profile.id)
    .sort((a, b) => a.position - b.position);

  const normalized = text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  let working = normalized;
  const actions: { taskType: string; index: number }[] = [];
  const objectTypes: string[] = [];
  const constraints: Record<string, string> = {};
  let outputFormat: string | null = null;

  for (const rule of rules) {
    const re = compilePgRegex(rule.pattern);
    switch (rule.kind) {
      case 'strip':
        working = consume(working, re, () => {});
        break;
      case 'synonym':
        working = working.replace(re, rule.replacement);
        break;
      case 'action':
        working = consume(working, re, (_m, index) => actions.push({ taskType: rule.replacement, index }));
        break;
      case 'object':
        working = consume(working, re, () => {
          if (!objectTypes.includes(rule.replacement)) objectTypes.push(rule.replacement);
        });
        break;
      case 'constraint':
        working = consume(working, re, (m) => {
          constraints[rule.replacement] ??= m.trim();
        });
        break;
      case 'format':
        working = consume(working, re, () => {
          outputFormat ??= rule.replacement;
        });
        break;
    }
  }

  actions.sort((a, b) => a.index - b.index);
  const distinctActions = [...new Set(actions.map((a) => a.taskType))];
  const taskType = context.taskType ?? distinctActions[0] ?? null;

  const keywords: string[] = [];
  for (const word of working.toLowerCase().split(/[^\p{L}\p{N}'-]+/u)) {
    const w = word.replace(/^[-']+|[-']+$/g, '');
    if (w.length < 3 || STOPWORDS.has(w) || /^\d+$/.test(w) || keywords.includes(w)) continue;
    if (w.includes("'") && STOPWORDS.has(w.split("'")[0]!)) continue;
    keywords.push(w);
  }
  const topic = keywords
    .filter((w) => !new RegExp(PRONOUNS.source, 'iu').test(w) && !new RegExp(HEDGES.source, 'iu').test(w))
    .slice(0, 8);
  if (topic.length > 0) constraints.topic = topic.join(' ');

  const objects = objectTypes.map((type) =>
    type === 'thread' && context.threadId ? { type, id: context.threadId } : { type },
  );
  const scope = {
    ...(context.dataspaceId ? { dataspaceId: context.dataspaceId } : {}),
    ...(context.threadId ? { threadId: context.threadId } : {}),
  };
  const fr = countMatches(FR_MARKERS, normalized) + countMatches(FR_ACCENTS, normalized);
  const en = countMatches(EN_MARKERS, normalized);
  const intent: StructuredIntent = {
    action: taskType ? taskType.split('_')[0]! : null,
    taskType,
    objects,
    scope,
    constraints,
    outputFormat,
    language: en > fr ? 'en' : 'fr',
  };

  const present: Record<IntentField, boolean> = {
    action: taskType !== null,
    object: objects.length > 0 || topic.length > 0,
    scope: Object.keys(scope).length > 0,
    constraints: Object.keys(constraints).length > 0,
    output_format: outputFormat !== null,
  };
  const weights = profile.rules.required_fields;
  let total = 0;
  let earned = 0;
  for (const field of INTENT_FIELDS) {
    const w = weights[field] ?? 0;
    total += w;
    if (present[field]) earned += w;
  }
  const completeness = total === 0 ? 0 : (100 * earned) / total;

  const penalties = profile.rules.ambiguity_penalties;
  const counts: Record<AmbiguitySignal, number> = {
    unresolved_pronoun: objects.length === 0 ? countMatches(PRONOUNS, normalized) : 0,
    multiple_actions: context.taskType === undefined && distinctActions.length > 1 ? 1 : 0,
    missing_object: present.object ? 0 : 1,
    hedging: countMatches(HEDGES, normalized),
  };
  const ambiguities: AmbiguityFinding[] = [];
  let rawPenalty = 0;
  for (const signal of Object.keys(counts) as AmbiguitySignal[]) {
    const count = counts[signal];
    if (count === 0) continue;
    const penalty = count * (penalties[signal] ?? 0);
    ambiguities.push({ signal, count, penalty });
    rawPenalty += penalty;
  }
  const penalty = Math.min(rawPenalty, profile.rules.max_penalty);
  const eqs = Math.max(0, Math.min(100, Math.round(completeness - penalty)));

  const issues: string[] = [];
  if (taskType === null)
    issues.push('no action recognised: say what to do (summarize, extract tasks, estimate…)');
  if (profile.rules.require_scope && !present.scope)
    issues.push(`profile ${profile.slug} requires an explicit scope`);
  if (eqs < profile.rules.min_eqs)
    issues.push(`EQS ${eqs} is below the profile minimum ${profile.rules.min_eqs}`);

  const encodedText = renderEncoded(intent);
  const tokensOriginal = countTokens(normalized);
  const tokensEncoded = countTokens(encodedText);
  return {
    intent,
    encodedText,
    eqs,
    completeness: Math.round(completeness * 100) / 100,
    penalty,
    fieldsPresent: INTENT_FIELDS.filter((f) => present[f]),
    ambiguities,
    minEqs: profile.rules.min_eqs,
    passes: issues.length === 0,
    issues,
    suggestions: taskType === null ? suggestPhrasings(rules, intent.language, context.agentTaskTypes) : [],
    tokensOriginal,
    tokensEncoded,
    tokensSaved: tokensOriginal - tokensEncoded,
  };
}
