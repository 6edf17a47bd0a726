/**
 * fast-check arbitraries of VALID values of a route's zod schema, through its JSON Schema in the
 * OpenAPI document (generated from the zod declarations the route validates with): objects with their required
 * and some optional properties, strings within their lengths and patterns, numbers within their
 * bounds, enums, arrays, nullable unions. Fields holding ids ask `ids` for a value, so requests
 * refer to rows that exist (the fuzzer's own, another user's, or none). Refinements that JSON
 * Schema cannot say (e.g. "dataspaceId or threadId") may still fail: the API then answers 400,
 * which the fuzz checks like any other answer.
 */
import fc from 'fast-check';

/** A JSON Schema node as zod writes it. */
export interface JsonSchema {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
}

/** Resolves local references (`#/components/schemas/X`, `#/$defs/X`) against the root document. */
export function deref(node: JsonSchema, root: unknown): JsonSchema {
  let n = node;
  for (let hops = 0; n.$ref && hops < 10; hops++) {
    let target: unknown = root;
    for (const part of n.$ref.replace(/^#\//, '').split('/')) {
      target = (target as Record<string, unknown> | undefined)?.[part];
    }
    n = (target as JsonSchema | undefined) ?? {};
  }
  return n;
}

/** Where an id-holding field's value comes from: the field name (e.g. `thread_id`) decides. */
export type IdSource = (field: string) => fc.Arbitrary<string>;

const SHORT_TEXT = 24;

function stringOf(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === 'date') {
    return fc
      .date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2090, 0, 1)), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  }
  if (s.format === 'date-time') {
    return fc
      .date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2090, 0, 1)), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (s.format === 'time-zone') return fc.constantFrom('UTC', ...Intl.supportedValuesOf('timeZone'));
  if (s.format === 'email') {
    return fc
      .tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z]{1,8}$/))
      .map(([a, b]) => `${a}@${b}.test`);
  }
  if (s.pattern) {
    const max = s.maxLength ?? Infinity;
    return fc
      .stringMatching(new RegExp(s.pattern))
      .filter((x) => x.length <= max && x.length >= (s.minLength ?? 0));
  }
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? SHORT_TEXT, SHORT_TEXT));
  return fc.string({ minLength: min, maxLength: max, unit: 'grapheme-composite' });
}

function numberOf(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo =
    s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-6) : -1000);
  const hi =
    s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-6) : 1000);
  // mostly small values (what a client sends), sometimes the bounds themselves
  const smallLo = Math.max(lo, -1000);
  const smallHi = Math.min(hi, Math.max(smallLo, 1000));
  const small = integer
    ? fc.integer({ min: Math.ceil(smallLo), max: Math.floor(smallHi) })
    : fc.double({ min: smallLo, max: smallHi, noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ weight: 8, arbitrary: small }, { weight: 1, arbitrary: fc.constantFrom(lo, hi) });
}

/** An arbitrary of valid values of `node` (a node of `root`); `field` names the value's key. */
export function validValue(
  node: JsonSchema,
  root: unknown,
  ids: IdSource,
  field = '',
): fc.Arbitrary<unknown> {
  const s = deref(node, root);
  if ('const' in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (union) return fc.oneof(...union.map((m) => validValue(m, root, ids, field)));
  if (s.allOf?.length) return validValue(s.allOf[0]!, root, ids, field);
  if (Array.isArray(s.type)) {
    return fc.oneof(...s.type.map((t) => validValue({ ...s, type: t }, root, ids, field)));
  }
  switch (s.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberOf(s, true);
    case 'number':
      return numberOf(s, false);
    case 'string':
      return s.format === 'uuid' ? ids(field) : stringOf(s);
    case 'array': {
      const item = s.items ? validValue(s.items, root, ids, field) : fc.jsonValue({ maxDepth: 1 });
      return fc.array(item, { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    }
    case 'object': {
      const props = s.properties ?? {};
      if (Object.keys(props).length === 0) {
        // a free-form JSON object (jsonb columns)
        return fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.jsonValue({ maxDepth: 2 }), {
          maxKeys: 4,
        });
      }
      const required = new Set(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, child] of Object.entries(props)) record[key] = validValue(child, root, ids, key);
      return fc.record(record, { requiredKeys: [...required] });
    }
    default:
      // `{}`: any JSON (z.unknown())
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** The property names of an object schema, and which are required. */
export function objectFields(
  node: JsonSchema,
  root: unknown,
): { name: string; schema: JsonSchema; required: boolean }[] {
  const s = deref(node, root);
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, schema]) => ({
    name,
    schema: deref(schema, root),
    required: required.has(name),
  }));
}

/** Whether a (dereferenced) field schema accepts strings. */
export function isStringField(node: JsonSchema, root: unknown): boolean {
  const s = deref(node, root);
  if (s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'))) return true;
  return (s.anyOf ?? s.oneOf ?? []).some((m) => isStringField(m, root));
}

/** Whether a field holds free-form JSON (an object without declared properties, or anything). */
export function isFreeJson(node: JsonSchema, root: unknown): boolean {
  const s = deref(node, root);
  if (s.type === 'object' && Object.keys(s.properties ?? {}).length === 0) return true;
  return s.type === undefined && !s.anyOf && !s.oneOf && !s.enum && !('const' in s);
}
