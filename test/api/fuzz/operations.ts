/**
 * The operations the fuzz calls: every operation of the API's OpenAPI document, which the functions
 * generate from the same zod declarations they validate with (`EdgeFunction.route`), read from the
 * running gateway. A route added to a function is fuzzed without touching the fuzz.
 */
import type { JsonSchema } from './schemaArbitrary.ts';

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}
interface OpenApiOperation {
  summary: string;
  security?: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }>; 'x-max-bytes'?: number };
  responses: Record<string, unknown>;
}
/** The parts of an OpenAPI 3.1 document the fuzz reads. */
export interface OpenApiDocument extends JsonSchema {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface Operation {
  /** `METHOD /function/path/{param}`, as the OpenAPI document names it. */
  key: string;
  method: string;
  /** `/threads/{thread_id}/messages` (the function's name first). */
  template: string;
  summary: string;
  /** Who may call it: anyone, a signed-in user only, or any caller (JWT or API key). */
  access: 'public' | 'user' | 'caller';
  /** Whether the Idempotency-Key header is documented as required (the governed routes). */
  keyRequired: boolean;
  /** Statuses documented for the operation. */
  statuses: Set<string>;
  params?: JsonSchema;
  query?: JsonSchema;
  /** JSON body schema (its `$ref`s resolve against the document). */
  body?: JsonSchema;
  /** Media types of a raw (binary) body. */
  rawBody?: string[];
  /** The documented body limit (`x-max-bytes`), in bytes. */
  maxBytes?: number;
  /** The kind of row an `{id}` in this path names, and that a POST to it creates. */
  kind: string;
  /** Path parameter names, in order. */
  pathParams: string[];
}

/** `properties` → `property`, `line-items` → `line-item`, `memory` → `memory`. */
export function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ss') || !word.endsWith('s')) return word;
  return word.slice(0, -1);
}

/** The kind of row a field or parameter refers to: `assignee_participant_id` → `participant`. */
export function kindOfField(field: string): string {
  const snake = field.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const m = /(?:^|_)([a-z]+)_ids?$/.exec(snake);
  return m ? m[1]! : snake;
}

function kindOfPath(template: string): string {
  const parts = template.split('/').filter(Boolean);
  const idAt = parts.indexOf('{id}');
  const statics = parts.filter((s) => !s.startsWith('{'));
  return singular(idAt > 0 ? parts[idAt - 1]! : statics[statics.length - 1]!);
}

function objectOf(params: OpenApiParameter[]): JsonSchema | undefined {
  if (!params.length) return undefined;
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    required: params.filter((p) => p.required).map((p) => p.name),
  };
}

/** Every operation of `doc`. */
export function apiOperations(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const parameters = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      const security = op.security ?? [];
      ops.push({
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        summary: op.summary,
        access: security.length === 0 ? 'public' : security.some((s) => 'apiKey' in s) ? 'caller' : 'user',
        keyRequired: parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key' && p.required),
        statuses: new Set(Object.keys(op.responses)),
        params: objectOf(parameters.filter((p) => p.in === 'path')),
        query: objectOf(parameters.filter((p) => p.in === 'query')),
        body: content['application/json']?.schema,
        rawBody: content['application/json']
          ? undefined
          : Object.keys(content).length
            ? Object.keys(content)
            : undefined,
        maxBytes: op.requestBody?.['x-max-bytes'],
        kind: kindOfPath(template),
        pathParams: [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
      });
    }
  }
  return ops;
}
