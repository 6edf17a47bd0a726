/**
 * Property-based fuzz of the whole API (issue 20): fast-check draws requests for every operation
 * the functions declare, from the same zod schemas that declare them, as two users against the
 * real gateway and Deno functions, with a fixed seed and a bounded count. Every answer must hold
 * the contract: no 5xx; every error in the JSON shape with a documented code whose status is
 * documented for the operation, and no Postgres internals in it; the answer the class of input
 * calls for (NUL or lone surrogate → 400 naming the field, bad cursor → 400 invalid_cursor, oversize
 * → 413, oversize headers → 431, Idempotency-Key contract, …); no data of the other user; nothing
 * written by a refused request (per a row-level write journal); another user's ids answered exactly
 * like ids that exist nowhere. `FUZZ_RUNS` / `FUZZ_SEED` override the count and the seed.
 */
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../server/env.ts';
import { API_ERRORS } from '../../shared/api/common.ts';
import { useApi, type User } from './apiHarness.ts';
import {
  apiOperations,
  kindOfField,
  singular,
  type OpenApiDocument,
  type Operation,
} from './fuzz/operations.ts';
import {
  buildReplay,
  buildRequest,
  drawClass,
  other,
  type Actor,
  type Draw,
  type FuzzRequest,
  type World,
} from './fuzz/requests.ts';
import { installWriteLog, writesSince, type Written } from './fuzz/writeLog.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_900);
/**
 * What a refused governed run may still write: the pipeline records every attempt, refused ones
 * included, under its Idempotency-Key (a retry replays the refusal) and in the audit trail.
 */
const GOVERNED_RECORDS = new Set([
  'agent_executions',
  'oneclick_executions',
  'encoded_intents',
  'audit_log',
  'realtime_outbox',
]);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** What a database error says that an API error must not: SQLSTATEs, constraint and relation names. */
const INTERNALS =
  /sqlstate|violates|relation "|syntax error|duplicate key|_fkey|_pkey|_check\b|_key\b|constraint "|"constraint":|"column":|\bSQLSTATE\b/i;

const { api, newUser, sql } = useApi();

interface Violation {
  rule: string;
  request: string;
  answer: string;
}

describe('API fuzz (issue 20)', () => {
  const users = {} as Record<Actor, User>;
  let world: World;
  let ops: Operation[];
  let lastWrite = '0';

  beforeAll(async () => {
    await installWriteLog(sql);
    lastWrite = (await writesSince(sql, '0')).last;
    users.a = await newUser('fuzz-a');
    users.b = await newUser('fuzz-b');
    for (const u of Object.values(users)) {
      await sql`select private.ledger_credit(${u.identityId}::uuid, 200000, ${`fuzz-${u.id}`}, 'manual', null)`;
    }
    lastWrite = (await writesSince(sql, lastWrite)).last;
    const secret = parseEnv({}).CHENU_JWT_SECRET;
    const claims = {
      sub: users.a.id,
      role: 'authenticated',
      aud: 'authenticated',
      identity_id: users.a.identityId,
    };
    const now = Math.floor(Date.now() / 1000);
    const sign = (key: string, exp: number) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt(now - 7200)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(key));
    world = {
      pools: { a: new Map(), b: new Map() },
      privateIds: { a: new Set(), b: new Set() },
      activeIdentity: { a: users.a.identityId, b: users.b.identityId },
      tokens: { a: users.a.accessToken, b: users.b.accessToken },
      badTokens: [
        await sign(secret, now - 60),
        await sign('not-the-project-secret-but-32-chars-long!!', now + 600),
        'not.a.jwt',
        `${users.a.accessToken.slice(0, -4)}AAAA`,
        'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImF1dGhlbnRpY2F0ZWQifQ.',
      ],
      anonKey: api().anonKey,
      exports: { a: [], b: [] },
      cursors: { a: new Map(), b: new Map() },
      doc: undefined,
      keyed: [],
      keyCounter: 0,
    };
    for (const actor of ['a', 'b'] as const) {
      world.pools[actor].set('identity', [users[actor].identityId]);
      world.privateIds[actor].add(users[actor].identityId);
      world.privateIds[actor].add(users[actor].id);
    }
    world.doc = (await (
      await fetch(`${api().url}/functions/v1/docs/openapi.json`)
    ).json()) as OpenApiDocument;
    ops = apiOperations(world.doc as OpenApiDocument);
  });

  it(`holds the contract for ${RUNS} drawn requests (seed ${SEED}) as two users`, async () => {
    const violations: Violation[] = [];
    const counts = { requests: 0, byStatus: new Map<number, number>(), byClass: new Map<string, number>() };
    const opsSeen = new Set<string>();
    const known: Record<Actor, Set<string>> = { a: new Set(), b: new Set() };
    const started = Date.now();
    let previous = '';

    const describeRequest = (r: FuzzRequest) =>
      `${r.actor} ${r.klass} ${r.method} ${r.path.slice(0, 160)} ${typeof r.body === 'string' ? r.body.slice(0, 160) : ''}`;

    const send = async (r: FuzzRequest) => {
      const res = await fetch(`${api().url}${r.path}`, {
        method: r.method,
        headers: r.headers,
        body: r.body as BodyInit | undefined,
      });
      const text = await res.text();
      counts.requests++;
      counts.byStatus.set(res.status, (counts.byStatus.get(res.status) ?? 0) + 1);
      counts.byClass.set(r.klass, (counts.byClass.get(r.klass) ?? 0) + 1);
      opsSeen.add(r.op.key);
      const { rows, last } = await writesSince(sql, lastWrite);
      lastWrite = last;
      previous = `${describeRequest(r).slice(0, 200)} → ${res.status} ${text.slice(0, 200)}`;
      return { status: res.status, headers: res.headers, text, writes: rows };
    };

    const judge = (r: FuzzRequest, a: Awaited<ReturnType<typeof send>>) => {
      const fail = (rule: string) =>
        violations.push({
          rule,
          request: describeRequest(r),
          answer: `${a.status} ${a.text.slice(0, 300)}${process.env.FUZZ_DEBUG ? ` prev=${previous} ids=${JSON.stringify(world.pools[r.actor].get('identity'))}` : ''}`,
        });
      let json: unknown;
      try {
        json = a.text ? JSON.parse(a.text) : undefined;
      } catch {
        json = undefined;
      }
      if (a.status >= 500) fail('no 5xx');
      let code: string | undefined;
      if (a.status >= 400) {
        const e = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
          ?.error;
        code = typeof e?.code === 'string' ? e.code : undefined;
        if (!e || !code || typeof e.message !== 'string') fail('error in the JSON shape');
        else if (!(code in API_ERRORS)) fail(`documented error code (${code})`);
        else if (API_ERRORS[code as keyof typeof API_ERRORS] !== a.status) fail(`status of ${code}`);
        if (a.status !== 431 && !r.op.statuses.has(String(a.status))) {
          fail(`status ${a.status} documented for ${r.op.key}`);
        }
        if (e && INTERNALS.test(`${String(e.message)} ${JSON.stringify(e.details ?? null)}`)) {
          fail('no database internals in errors');
        }
        const unrecorded = a.writes.filter((w) => !(r.op.keyRequired && GOVERNED_RECORDS.has(w.tbl)));
        if (unrecorded.length) {
          fail(
            `nothing written by a refused request (${unrecorded.map((w) => `${w.op} ${w.tbl}`).join(', ')})`,
          );
        }
      }
      if (r.expect) {
        if (!r.expect.status.includes(a.status)) fail(`${r.klass}: status in ${r.expect.status.join('|')}`);
        else if (r.expect.code && code && !r.expect.code.includes(code))
          fail(`${r.klass}: code in ${r.expect.code.join('|')}`);
        else if (r.expect.field && a.status === 400) {
          const details = (json as { error?: { details?: { path?: string }[] } }).error?.details;
          if (
            !Array.isArray(details) ||
            !details.some((d) => d.path === r.expect!.field || d.path?.startsWith(`${r.expect!.field}.`))
          ) {
            fail(`${r.klass}: details name ${r.expect.field}`);
          }
        }
      }
      if (r.klass === 'idem_replay' && a.headers.get('idempotent-replayed') !== 'true') {
        fail('a replay is marked Idempotent-Replayed');
      }
      for (const id of r.sent) known[r.actor].add(id);
      const otherActor = other(r.actor);
      for (const w of a.writes) {
        const mine = new Set(world.pools[r.actor].get('identity') ?? []);
        if (w.identity_id && !mine.has(w.identity_id) && !known[r.actor].has(w.identity_id)) {
          fail(`writes only the caller's rows (${w.op} ${w.tbl} of identity ${w.identity_id})`);
        }
        if (w.user_id && w.user_id !== users[r.actor].id)
          fail(`writes only the caller's rows (${w.op} ${w.tbl} user)`);
        record(r.actor, w);
      }
      if (a.status < 300 && a.text) {
        for (const id of a.text.match(UUID) ?? []) {
          if (world.privateIds[otherActor].has(id) && !known[r.actor].has(id)) {
            fail(`no data of the other user (${id})`);
            break;
          }
        }
        harvest(r, json);
        const key = r.headers['idempotency-key'];
        if (r.method === 'POST' && key && (r.klass === 'valid' || r.klass === 'foreign')) {
          world.keyed.push({ actor: r.actor, op: r.op, path: r.path, key, json: r.json, status: a.status });
        }
      }
      return code;
    };

    const record = (actor: Actor, w: Written) => {
      if (w.op === 'DELETE') return;
      if (w.row_id && (w.identity_id || w.user_id)) world.privateIds[actor].add(w.row_id);
      if (w.tbl === 'identities' && w.row_id) addToPool(actor, 'identity', w.row_id);
    };
    const addToPool = (actor: Actor, kind: string, id: string) => {
      const pool = world.pools[actor].get(kind) ?? [];
      if (!pool.includes(id)) pool.push(id);
      if (pool.length > 40) pool.shift();
      world.pools[actor].set(kind, pool);
    };
    const harvest = (r: FuzzRequest, json: unknown) => {
      const visit = (value: unknown, kind: string | undefined, depth: number) => {
        if (depth > 4 || !value || typeof value !== 'object') return;
        if (Array.isArray(value)) return value.forEach((v) => visit(v, kind, depth + 1));
        for (const [k, v] of Object.entries(value)) {
          if (typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v)) {
            if (k === 'id' && kind) addToPool(r.actor, kind, v);
            else if (/(_id|Id)$/.test(k)) addToPool(r.actor, singular(kindOfField(k)), v);
          } else if (v && typeof v === 'object') {
            visit(v, k === 'data' ? kind : singular(kindOfField(k)), depth + 1);
          }
        }
      };
      visit(json, r.op.kind, 0);
      const next = (json as { next_cursor?: unknown } | undefined)?.next_cursor;
      if (typeof next === 'string') {
        world.cursors[r.actor].set(
          r.op.key,
          [...(world.cursors[r.actor].get(r.op.key) ?? []), next].slice(-5),
        );
      }
      if (r.op.template === '/threads/{id}/export' && json) world.exports[r.actor].push(json);
    };

    const property = fc.asyncProperty(fc.gen(), async (g) => {
      const draw: Draw = (arb) => g(() => arb);
      const actor = draw(fc.constantFrom<Actor>('a', 'b'));
      const building = counts.requests < 300;
      let request: FuzzRequest | undefined;
      if (!building && draw(fc.integer({ min: 0, max: 19 })) === 0) request = buildReplay(draw, world, actor);
      if (!request) {
        // early on, mostly creations, so later requests find rows to act on
        const pool = building ? ops.filter((o) => o.method === 'POST' && o.body) : ops;
        const op = draw(fc.constantFrom(...pool));
        request = buildRequest(draw, world, actor, op, building ? 'valid' : drawClass(draw, world, op));
      }
      const answer = await send(request);
      const code = judge(request, answer);
      if (request.twin) {
        const twinAnswer = await send(request.twin);
        const twinCode = judge(request.twin, twinAnswer);
        if (twinAnswer.status !== answer.status || twinCode !== code) {
          violations.push({
            rule: 'another user’s id answers like an id that exists nowhere',
            request: describeRequest(request),
            answer: `${answer.status} ${code} vs ${twinAnswer.status} ${twinCode}: ${answer.text.slice(0, 200)}`,
          });
        }
      }
      return true;
    });
    await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });

    const seconds = (Date.now() - started) / 1000;
    const grouped = new Map<string, Violation[]>();
    for (const v of violations) grouped.set(v.rule, [...(grouped.get(v.rule) ?? []), v]);
    const report = [...grouped.entries()]
      .sort((x, y) => y[1].length - x[1].length)
      .map(
        ([rule, list]) =>
          `${list.length} × ${rule}\n    ${list
            .slice(0, 3)
            .map((v) => `${v.request}\n      → ${v.answer}`)
            .join('\n    ')}`,
      );
    console.info(
      `API fuzz: ${counts.requests} requests, seed ${SEED}, ${seconds.toFixed(1)} s; ` +
        `statuses ${JSON.stringify(Object.fromEntries([...counts.byStatus].sort((x, y) => x[0] - y[0])))}; ` +
        `5xx ${[...counts.byStatus].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0)}; ` +
        `operations ${opsSeen.size}/${ops.length}; violations ${violations.length}`,
    );
    if (report.length) console.info(report.join('\n'));
    // the classes of input and the operations were all exercised
    for (const klass of [
      'foreign',
      'nul',
      'surrogate',
      'bad_cursor',
      'deep_json',
      'oversize_body',
      'huge_header',
      'idem_long',
    ]) {
      expect(counts.byClass.get(klass) ?? 0, klass).toBeGreaterThan(5);
    }
    expect(opsSeen.size, 'operations the fuzz reached').toBeGreaterThan(ops.length * 0.95);
    expect(report, 'contract violations').toEqual([]);
  }, 600_000);
});
