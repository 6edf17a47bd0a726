import { describe, expect, it } from 'vitest';
import { compilePgRegex, PgRegexError } from '../../shared/pipeline/pgRegex.ts';
import { encodeIntent, EncodingInputError } from '../../shared/pipeline/encodeIntent.ts';
import { countTokens } from '../../shared/pipeline/tokens.ts';
import { RULES, STANDARD, STRICT } from './encodingCatalog.ts';

const DATASPACE = 'a1000000-0000-4000-8000-000300000001';
const THREAD = 'a1000000-0000-4000-8000-000400000001';
const scoped = { dataspaceId: DATASPACE, threadId: THREAD };

describe('compilePgRegex', () => {
  it('translates word anchors so accented words match whole', () => {
    const re = compilePgRegex('\\m(résumer?)\\M');
    expect('Peux-tu résumer le fil'.match(re)).toEqual(['résumer']);
    expect('présumer'.match(compilePgRegex('\\mrésumer\\M'))).toBeNull();
  });

  it('translates \\w to letters of any script and POSIX classes', () => {
    expect('estimation'.match(compilePgRegex('\\m(estim\\w*)\\M'))).toEqual(['estimation']);
    expect('à 15 h'.match(compilePgRegex('[[:digit:]]+'))).toEqual(['15']);
  });

  it('refuses an unsupported POSIX class with the pattern in the message', () => {
    expect(() => compilePgRegex('[[:bogus:]]')).toThrow(PgRegexError);
    expect(() => compilePgRegex('[[:bogus:]]')).toThrow(/bogus/);
  });
});

describe('encodeIntent', () => {
  it('encodes the seeded French intent into the seeded structure', () => {
    const r = encodeIntent(
      "Peux-tu résumer le fil sur les armoires, en liste à puces s'il te plaît ?",
      STANDARD,
      RULES,
      scoped,
    );
    expect(r.intent).toMatchObject({
      action: 'summarize',
      taskType: 'summarize_thread',
      objects: [{ type: 'thread', id: THREAD }],
      scope: { dataspaceId: DATASPACE, threadId: THREAD },
      outputFormat: 'list',
      language: 'fr',
    });
    expect(r.intent.constraints.topic).toContain('armoires');
    expect(r.eqs).toBe(100);
    expect(r.passes).toBe(true);
  });

  it('encodes English with synonyms, constraints and format', () => {
    const r = encodeIntent(
      'Could you recap the thread as bullet points by 15 please',
      STANDARD,
      RULES,
      scoped,
    );
    expect(r.intent.taskType).toBe('summarize_thread');
    expect(r.intent.language).toBe('en');
    expect(r.intent.constraints.deadline).toBe('by 15');
    expect(r.intent.outputFormat).toBe('list');
  });

  it('counts tokens with the real tokenizer and reports tokens saved', () => {
    const text = "Peux-tu résumer le fil sur les armoires, en liste à puces s'il te plaît ?";
    const r = encodeIntent(text, STANDARD, RULES, scoped);
    expect(r.tokensOriginal).toBe(countTokens(text));
    expect(r.tokensEncoded).toBe(countTokens(r.encodedText));
    expect(r.tokensSaved).toBe(r.tokensOriginal - r.tokensEncoded);
    expect(r.tokensSaved).toBeGreaterThan(0);
    expect(countTokens('hello world')).toBe(2);
  });

  it('scores completeness from the profile weights', () => {
    // action (35) + object via topic (25) + constraints via topic (10); no scope, no format
    const r = encodeIntent('Fais-moi la liste des choses à réserver pour Percé', STANDARD, RULES);
    expect(r.intent.taskType).toBe('extract_tasks');
    expect(r.fieldsPresent).toEqual(['action', 'object', 'constraints']);
    expect(r.completeness).toBe(70);
    expect(r.eqs).toBe(70);
  });

  it('penalises multiple actions and hedging', () => {
    const r = encodeIntent('Résume le fil et estime le coût, peut-être', STANDARD, RULES, scoped);
    expect(r.ambiguities).toEqual([
      { signal: 'multiple_actions', count: 1, penalty: 10 },
      { signal: 'hedging', count: 1, penalty: 3 },
    ]);
    expect(r.eqs).toBe(Math.round(r.completeness - 13));
    expect(r.intent.taskType).toBe('summarize_thread');
  });

  it('caps the penalty at the profile maximum and fails a vague intent with reasons', () => {
    const r = encodeIntent('maybe perhaps possibly probably do it, it, it', STRICT, RULES);
    expect(r.penalty).toBe(60);
    expect(r.eqs).toBe(0);
    expect(r.passes).toBe(false);
    expect(r.issues.join(' ')).toMatch(/no action recognised/);
    expect(r.issues.join(' ')).toMatch(/requires an explicit scope/);
  });

  it('uses only the rules of the given profile, in position order', () => {
    // the strict profile has no 'synonym' rule: "recap" is not an action there
    expect(encodeIntent('recap the thread', STRICT, RULES, scoped).intent.taskType).toBeNull();
    expect(encodeIntent('recap the thread', STANDARD, RULES, scoped).intent.taskType).toBe(
      'summarize_thread',
    );
  });

  it('keeps a fixed task type from the caller and does not call it ambiguous', () => {
    const r = encodeIntent('Résume et estime', STANDARD, RULES, { ...scoped, taskType: 'extract_tasks' });
    expect(r.intent.taskType).toBe('extract_tasks');
    expect(r.ambiguities.map((a) => a.signal)).not.toContain('multiple_actions');
  });

  it('refuses empty text, oversized text and malformed rows with clear errors', () => {
    expect(() => encodeIntent('   ', STANDARD, RULES)).toThrow(EncodingInputError);
    expect(() => encodeIntent('x'.repeat(20_001), STANDARD, RULES)).toThrow(/20000/);
    expect(() => encodeIntent('résume', { ...STANDARD, rules: {} }, RULES)).toThrow(/bad encoding profile/);
    expect(() => encodeIntent('résume', STANDARD, [{ ...RULES[0], kind: 'nope' }])).toThrow(
      /bad encoding rule/,
    );
  });

  it('is deterministic', () => {
    const text = 'Peux-tu résumer le fil ?';
    expect(encodeIntent(text, STANDARD, RULES, scoped)).toEqual(encodeIntent(text, STANDARD, RULES, scoped));
  });
});
