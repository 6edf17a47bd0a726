/**
 * The fuzz's requests: for an operation and a class of input, one HTTP request drawn with
 * fast-check (through `fc.gen()`, so ids can come from the rows that exist at that moment) and
 * what the contract says its answer must be. Valid requests use the route's own schemas; every
 * other class breaks one thing on purpose: a type, a required field, the text (NUL, lone
 * surrogates, length), the JSON (depth, size, syntax), the query (limit, cursor), the headers
 * (credentials, Idempotency-Key, size) or the ids (another user's rows, rows that do not exist).
 */
import fc from 'fast-check';
import type { Operation } from './operations.ts';
import { kindOfField, singular } from './operations.ts';
import {
  deref,
  isFreeJson,
  isStringField,
  objectFields,
  validValue,
  type IdSource,
} from './schemaArbitrary.ts';

export type Actor = 'a' | 'b';
export const other = (actor: Actor): Actor => (actor === 'a' ? 'b' : 'a');

/** `g` of `fc.gen()`: draws a value from an arbitrary inside the property. */
export type Draw = <T>(arb: fc.Arbitrary<T>) => T;

export const CLASSES = [
  'valid',
  'foreign',
  'random_id',
  'no_auth',
  'bad_token',
  'wrong_type',
  'missing_required',
  'unknown_only',
  'nul',
  'surrogate',
  'long_field',
  'deep_json',
  'big_json',
  'numbers',
  'bad_query',
  'bad_cursor',
  'idem_long',
  'idem_missing',
  'content_type',
  'malformed_json',
  'oversize_body',
  'huge_header',
  'huge_query',
] as const;
export type InputClass = (typeof CLASSES)[number] | 'idem_reuse' | 'idem_replay' | 'twin';

/** What the contract says about an answer, beyond the checks every answer gets. */
export interface Expectation {
  status: number[];
  code?: string[];
  /** `error.details[].path` must name this field. */
  field?: string;
}

export interface FuzzRequest {
  actor: Actor;
  op: Operation;
  klass: InputClass;
  method: string;
  /** Under the gateway, e.g. `/functions/v1/threads/…?limit=5`. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** The parsed body the route sees (for idempotency replays). */
  json?: unknown;
  expect?: Expectation;
  /** Ids this request sent: the actor knows them, so seeing them again is no leak. */
  sent: string[];
  /** For `foreign`: the same request with the other user's ids swapped for fresh random ones. */
  twin?: FuzzRequest;
}

/** What the fuzz knows about the world so far. */
export interface World {
  pools: Record<Actor, Map<string, string[]>>;
  /** Ids of rows the other user owns (per the write journal): handed out only as foreign ids. */
  privateIds: Record<Actor, Set<string>>;
  activeIdentity: Record<Actor, string>;
  tokens: Record<Actor, string>;
  badTokens: string[];
  anonKey: string;
  /** `next_cursor`s each actor got, per operation (valid cursors to page with). */
  cursors: Record<Actor, Map<string, string[]>>;
  /** .chenu documents exported by each actor (valid import bodies). */
  exports: Record<Actor, unknown[]>;
  /** The OpenAPI document (root of the operations' `$ref`s). */
  doc: unknown;
  /** Succeeded POSTs sent with an Idempotency-Key. */
  keyed: { actor: Actor; op: Operation; path: string; key: string; json: unknown; status: number }[];
  keyCounter: number;
}

/** Kinds never handed to the other user: identities, and scopes an elevation could open. */
const NEVER_FOREIGN = new Set(['identity', 'user', 'scope', 'elevation']);
const HIGH_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
const uuidArb = fc.uuid({ version: 4 });

type Mode = 'own' | 'foreign' | 'random';

function idSource(
  draw: Draw,
  world: World,
  actor: Actor,
  mode: Mode,
  sent: string[],
  op: Operation,
): IdSource {
  return (field: string) => {
    const kind = field === 'id' ? op.kind : singular(kindOfField(field));
    let pool: string[] = [];
    if (mode === 'own') pool = world.pools[actor].get(kind) ?? [];
    if (mode === 'foreign' && !NEVER_FOREIGN.has(kind)) {
      const mine = world.privateIds[other(actor)];
      pool = (world.pools[other(actor)].get(kind) ?? []).filter((id) => mine.has(id));
    }
    // an actor never deletes or switches away from the identity its token names
    if (kind === 'identity' && mode === 'own' && op.method !== 'GET') {
      pool = pool.filter((id) => id !== world.activeIdentity[actor]);
    }
    const id = pool.length
      ? draw(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: uuidArb }))
      : draw(uuidArb);
    sent.push(id);
    return fc.constant(id);
  };
}

/** Outbound URLs in generated bodies point at a closed loopback port, never at the network. */
function tameUrls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tameUrls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, /url/i.test(k) ? 'http://127.0.0.1:9/fuzz' : tameUrls(v)]),
    );
  }
  return value;
}

const MARK = '\u0001RAW\u0001';

/** Serialises `value`, replacing the string MARK with `raw` JSON text (deep nesting, big numbers). */
function serialise(value: unknown, raw?: string): string {
  const text = JSON.stringify(value);
  return raw === undefined ? text : text.replace(JSON.stringify(MARK), raw);
}

function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function classesFor(op: Operation, root: unknown): InputClass[] {
  const list: InputClass[] = ['valid', 'valid', 'valid'];
  const hasIds = op.pathParams.length > 0;
  if (hasIds) list.push('foreign', 'foreign', 'random_id');
  if (op.access !== 'public') list.push('no_auth', 'bad_token');
  if (op.body) {
    list.push('wrong_type', 'unknown_only', 'long_field', 'deep_json', 'big_json', 'numbers');
    list.push('content_type', 'malformed_json', 'oversize_body', 'nul', 'nul', 'surrogate', 'surrogate');
    if (objectFields(op.body, root).some((f) => f.required)) list.push('missing_required');
  }
  if (op.query) {
    list.push('bad_query', 'nul');
    if (objectFields(op.query, root).some((f) => f.name === 'cursor')) list.push('bad_cursor', 'bad_cursor');
  }
  if (op.method === 'POST') list.push('idem_long');
  if (op.keyRequired) list.push('idem_missing');
  return list;
}

/** Draws a class for `op`. */
export function drawClass(draw: Draw, world: World, op: Operation): InputClass {
  // the gateway's limits need few requests: one in forty
  return draw(
    fc.oneof(
      { weight: 39, arbitrary: fc.constantFrom(...classesFor(op, world.doc)) },
      { weight: 1, arbitrary: fc.constantFrom<InputClass>('huge_header', 'huge_query') },
    ),
  );
}

const CRUD_WRITE = /^(Create|Update) an? /;

/** Builds one request of class `klass` for `op`, as `actor`. */
export function buildRequest(
  draw: Draw,
  world: World,
  actor: Actor,
  op: Operation,
  klass: InputClass,
): FuzzRequest {
  const sent: string[] = [];
  const root = world.doc;
  const mode: Mode = klass === 'foreign' ? 'foreign' : klass === 'random_id' ? 'random' : 'own';
  const ids = idSource(draw, world, actor, mode, sent, op);
  const ownIds = mode === 'own' ? ids : idSource(draw, world, actor, 'own', sent, op);
  const headers: Record<string, string> = { apikey: world.anonKey };
  if (op.access !== 'public' || draw(fc.boolean())) headers.authorization = `Bearer ${world.tokens[actor]}`;
  let expect: Expectation | undefined;

  // path parameters: the ids of this request's class
  const params: Record<string, string> = {};
  for (const name of op.pathParams)
    params[name] = draw(ids(name === 'id' ? 'id' : name) as fc.Arbitrary<string>);
  let path = `/functions/v1${op.template.replace(/\{(\w+)\}/g, (_m, p: string) => encodeURIComponent(params[p]!))}`;
  if (mode === 'random' && op.pathParams.length) expect = { status: [400, 404] };

  // query
  let query: Record<string, string> = {};
  if (op.query) {
    const q = draw(validValue(op.query, root, ownIds)) as Record<string, unknown>;
    for (const [k, v] of Object.entries(q)) {
      // a cursor comes only from a page the API answered (World.cursors), never made up here
      if (k !== 'cursor' && v !== undefined && v !== null && typeof v !== 'object') query[k] = String(v);
    }
    const cursors = world.cursors[actor].get(op.key);
    if (klass === 'valid' && cursors?.length && draw(fc.boolean()))
      query.cursor = draw(fc.constantFrom(...cursors));
    if (!('limit' in query) && objectFields(op.query, root).some((f) => f.name === 'limit')) {
      query.limit = String(draw(fc.integer({ min: 1, max: 5 })));
    }
  }

  // body
  let json: unknown;
  let raw: string | undefined;
  let body: string | Uint8Array | undefined;
  if (op.body) {
    json = tameUrls(draw(validValue(op.body, root, ids)));
    if (op.template === '/threads/import' && klass === 'valid' && world.exports[actor].length) {
      json = { ...(json as object), document: draw(fc.constantFrom(...world.exports[actor])) };
    }
    headers['content-type'] = 'application/json';
  } else if (op.rawBody) {
    body = new TextEncoder().encode(draw(fc.string({ maxLength: 200 })));
    headers['content-type'] = draw(fc.constantFrom('text/plain', 'application/octet-stream', 'image/png'));
  }

  const fields = op.body ? objectFields(op.body, root) : [];
  const pickField = (filter: (f: (typeof fields)[number]) => boolean) => {
    const found = fields.filter(filter);
    return found.length ? draw(fc.constantFrom(...found)) : undefined;
  };
  const pickFrom = <T>(list: T[]): T | undefined =>
    list.length ? draw(fc.constantFrom(...list)) : undefined;
  const setField = (name: string, value: unknown) => {
    json = { ...(json as object), [name]: value };
  };

  switch (klass) {
    case 'no_auth':
      delete headers.authorization;
      expect = { status: [401], code: ['unauthorized'] };
      break;
    case 'bad_token':
      headers.authorization = `Bearer ${draw(fc.constantFrom(...world.badTokens))}`;
      expect = { status: [401], code: ['unauthorized'] };
      break;
    case 'wrong_type': {
      const f = pickField(() => true);
      if (f) {
        const s = deref(f.schema, root);
        const wrong = isStringField(f.schema, root)
          ? draw(fc.constantFrom<unknown>(12345, true, [1, 2], { x: 1 }))
          : s.type === 'object' || isFreeJson(f.schema, root)
            ? draw(fc.constantFrom<unknown>(42, 'text', true))
            : draw(fc.constantFrom<unknown>('text', { x: 1 }, [true]));
        if (!isFreeJson(f.schema, root)) {
          setField(f.name, wrong);
          expect = { status: [400], code: ['validation_failed'], field: `body.${f.name}` };
        }
      }
      break;
    }
    case 'missing_required': {
      const f = pickField((x) => x.required && !('default' in x.schema));
      if (f) {
        json = Object.fromEntries(Object.entries(json as object).filter(([k]) => k !== f.name));
        expect = { status: [400], code: ['validation_failed'], field: `body.${f.name}` };
      }
      break;
    }
    case 'unknown_only':
      json = draw(fc.constantFrom<unknown>({ zz_unknown: 1 }, { owner: 'x', is_admin: true }, {}));
      if (CRUD_WRITE.test(op.summary)) {
        expect = { status: [400], code: ['validation_failed'] };
      }
      break;
    case 'nul':
    case 'surrogate': {
      const bad = klass === 'nul' ? '\u0000' : draw(fc.constantFrom('\ud800', '\udfff', 'a\ud83d'));
      const f = op.body ? pickField((x) => isStringField(x.schema, root)) : undefined;
      if (f) {
        const current = (json as Record<string, unknown>)[f.name];
        const base = typeof current === 'string' ? current : 'x';
        // cut by code points, and a letter before the bad one: a surrogate must stay alone
        setField(f.name, `${Array.from(base).slice(0, 3).join('')}y${bad}z`);
        expect = { status: [400], code: ['validation_failed'], field: `body.${f.name}` };
      } else if (op.body && fields.some((x) => isFreeJson(x.schema, root))) {
        const g = pickField((x) => isFreeJson(x.schema, root))!;
        setField(g.name, { note: `a${bad}b` });
        expect = { status: [400], code: ['validation_failed'] };
      } else if (klass === 'nul' && op.query && Object.keys(query).length) {
        const k = draw(fc.constantFrom(...Object.keys(query)));
        query[k] = `${query[k]}\u0000`;
        expect = { status: [400], code: ['validation_failed', 'invalid_cursor'], field: `query.${k}` };
      }
      break;
    }
    case 'long_field': {
      const f = pickField((x) => isStringField(x.schema, root));
      if (f) {
        setField(f.name, 'x'.repeat(draw(fc.constantFrom(30_001, 100_000))));
        expect = { status: [400, 413], code: ['validation_failed', 'payload_too_large'] };
      }
      break;
    }
    case 'deep_json': {
      const f = pickField((x) => isFreeJson(x.schema, root));
      const depth = draw(fc.constantFrom(200, 10_000));
      if (f) {
        setField(f.name, MARK);
        raw = deepJson(depth);
      } else {
        json = MARK;
        raw = deepJson(depth);
      }
      expect = { status: [400], code: ['validation_failed', 'bad_request'] };
      break;
    }
    case 'big_json': {
      const f = pickField((x) => isFreeJson(x.schema, root));
      if (f) {
        setField(f.name, { blob: 'y'.repeat(1_000_000) });
        expect = { status: [400, 413], code: ['validation_failed', 'payload_too_large'] };
      }
      break;
    }
    case 'numbers': {
      const f = pickField((x) => {
        const t = deref(x.schema, root).type;
        return t === 'integer' || t === 'number' || JSON.stringify(x.schema).includes('"integer"');
      });
      if (f) {
        setField(f.name, MARK);
        raw = draw(
          fc.constantFrom('1e400', '-1e400', '9007199254740993', '1.5', '-0', '2147483648', '1e-400'),
        );
      }
      break;
    }
    case 'bad_query': {
      const f = op.query
        ? pickFrom(objectFields(op.query, root).filter((x) => x.name !== 'cursor'))
        : undefined;
      if (f?.name === 'limit') {
        query = { ...query, limit: draw(fc.constantFrom('0', '101', '-1', 'abc', '1e3', '')) };
        expect = { status: [400], code: ['validation_failed'], field: 'query.limit' };
      } else if (f && deref(f.schema, root).format === 'uuid') {
        query = { ...query, [f.name]: draw(fc.constantFrom('not-a-uuid', '1', "' or 1=1 --")) };
        expect = { status: [400], code: ['validation_failed'], field: `query.${f.name}` };
      }
      break;
    }
    case 'bad_cursor': {
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const id = draw(uuidArb);
      query.cursor = draw(
        fc.constantFrom(
          b64(['-271821-04-20T00:00:00.000Z', id]),
          b64(['+200000-01-01T00:00:00.000Z', id]),
          b64(['2026-02-30T00:00:00Z', id]),
          b64(['2026-01-01T00:00:00Z', 'not-a-uuid']),
          b64(['2026-01-01T00:00:00Z', HIGH_UUID.replace(/f/g, 'g')]),
          b64(['2026-01-01T00:00:00Z']),
          b64({ created: '2026-01-01' }),
          b64([1e20, id]),
          '!!!not-base64!!!',
          'x'.repeat(600),
          '99999999999999999999',
          '-5',
        ),
      );
      expect = { status: [400], code: ['invalid_cursor'] };
      break;
    }
    case 'idem_long':
      headers['idempotency-key'] = draw(
        fc.constantFrom('k'.repeat(201), 'k'.repeat(256), 'k'.repeat(1000), 'caf\u00e9', 'tab\there'),
      );
      expect = { status: [400], code: ['validation_failed'], field: 'headers.idempotency-key' };
      break;
    case 'idem_missing':
      delete headers['idempotency-key'];
      expect = { status: [400], code: ['validation_failed'], field: 'headers.idempotency-key' };
      break;
    case 'content_type':
      headers['content-type'] = draw(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded'));
      expect = { status: [415], code: ['unsupported_media_type'] };
      break;
    case 'malformed_json':
      body = draw(fc.constantFrom('{"a":', '{a:1}', "{'a':1}", '[1,2', '\u0000', '{"a":1}}'));
      expect = { status: [400], code: ['bad_request'] };
      break;
    case 'oversize_body': {
      // one byte past the documented limit, or far past it
      const size = draw(fc.constantFrom((op.maxBytes ?? 1_000_000) + 1, 6_000_000));
      body = `{"pad":"${'z'.repeat(size - 10)}"}`;
      expect = { status: [413], code: ['payload_too_large'] };
      break;
    }
    case 'huge_header':
      headers['x-fuzz-pad'] = 'h'.repeat(draw(fc.constantFrom(60_000, 20_000)));
      expect = { status: [431], code: ['header_too_large'] };
      break;
    case 'huge_query':
      query.pad = 'q'.repeat(draw(fc.constantFrom(20_001, 70_000)));
      expect = { status: [431], code: ['header_too_large'] };
      break;
    default:
      break;
  }

  if (op.method === 'POST' && !headers['idempotency-key'] && klass !== 'idem_missing') {
    if (op.keyRequired || draw(fc.integer({ min: 0, max: 3 })) === 0) {
      headers['idempotency-key'] = `fz-${actor}-${++world.keyCounter}`;
    }
  }
  if (op.body && body === undefined) body = serialise(json, raw);
  const qs = new URLSearchParams(query).toString();
  if (qs) path += `?${qs}`;
  const request: FuzzRequest = {
    actor,
    op,
    klass,
    method: op.method,
    path,
    headers,
    body,
    json,
    expect,
    sent,
  };
  if (klass === 'foreign') {
    // the same request with the other user's ids swapped for ids that exist nowhere: the answers
    // must not differ (no existence oracle)
    const foreign = new Set(sent.filter((id) => world.privateIds[other(actor)].has(id)));
    if (foreign.size) {
      let twinPath = path;
      let twinBody = typeof body === 'string' ? body : undefined;
      for (const id of foreign) {
        const fresh = draw(uuidArb);
        twinPath = twinPath.split(id).join(fresh);
        twinBody = twinBody?.split(id).join(fresh);
      }
      request.twin = {
        ...request,
        klass: 'twin',
        path: twinPath,
        body: twinBody ?? body,
        headers: {
          ...headers,
          ...(headers['idempotency-key'] ? { 'idempotency-key': `${headers['idempotency-key']}-t` } : {}),
        },
      };
    }
  }
  return request;
}

/** A replay of a succeeded keyed POST: the same body (replayed answer) or another (refused). */
export function buildReplay(draw: Draw, world: World, actor: Actor): FuzzRequest | undefined {
  const mine = world.keyed.filter((k) => k.actor === actor);
  if (!mine.length) return undefined;
  const first = draw(fc.constantFrom(...mine));
  const same = draw(fc.boolean());
  let json = first.json;
  if (!same && first.op.body) {
    const sent: string[] = [];
    const ids = idSource(draw, world, actor, 'own', sent, first.op);
    json = tameUrls(draw(validValue(first.op.body, world.doc, ids)));
    if (JSON.stringify(json) === JSON.stringify(first.json)) return undefined;
  } else if (!same) {
    return undefined;
  }
  return {
    actor,
    op: first.op,
    klass: same ? 'idem_replay' : 'idem_reuse',
    method: 'POST',
    path: first.path,
    headers: {
      apikey: world.anonKey,
      authorization: `Bearer ${world.tokens[actor]}`,
      'content-type': 'application/json',
      'idempotency-key': first.key,
    },
    body: first.op.body ? JSON.stringify(json) : undefined,
    json,
    expect: same
      ? { status: [first.status] }
      : { status: [422], code: ['idempotency_key_reused'], field: undefined },
    sent: [],
  };
}
