/**
 * One Idempotency-Key contract (issue 20), read from the OpenAPI document and checked on every POST
 * route of the running API: the header is documented on each (required on the governed runs,
 * optional elsewhere, 1 to IDEMPOTENCY_KEY_MAX characters), a key too long or not printable ASCII is
 * a 400 naming the header, a governed run without a key is the same 400, and a key reused with
 * another request is a 422 `idempotency_key_reused` on a generic route as on each governed one,
 * while the same request replays its first answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_MAX } from '../../shared/api/common.ts';
import { useApi, type User } from './apiHarness.ts';
import { apiOperations, type OpenApiDocument, type Operation } from './fuzz/operations.ts';

const { api, newUser, sql } = useApi();
/** The money-moving routes, whose key names the ledger operation (a top-up credits tokens). */
const GOVERNED = [
  'POST /agents/{id}/execute',
  'POST /workflows/{id}/run',
  'POST /tokens/allocate',
  'POST /subscriptions/top-ups',
];
const ZERO = '00000000-0000-4000-8000-000000000000';

describe('the Idempotency-Key contract', () => {
  let doc: OpenApiDocument;
  let posts: Operation[];
  let u: User;

  beforeAll(async () => {
    doc = (await (await fetch(`${api().url}/functions/v1/docs/openapi.json`)).json()) as OpenApiDocument;
    posts = apiOperations(doc).filter((o) => o.method === 'POST');
    u = await newUser('idempotency');
  });

  const send = (op: Operation, key: string | undefined, body: unknown = {}) =>
    fetch(`${api().url}/functions/v1${op.template.replace(/\{\w+\}/g, ZERO)}`, {
      method: 'POST',
      headers: {
        apikey: api().anonKey,
        authorization: `Bearer ${u.accessToken}`,
        'content-type': 'application/json',
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      body: JSON.stringify(body),
    });

  it('is documented on every POST: required exactly on the governed runs, with one length', () => {
    expect(posts.length).toBeGreaterThan(50);
    for (const op of posts) {
      const header = doc.paths[op.template]!.post!.parameters?.find((p) => p.name === 'idempotency-key');
      expect(header, op.key).toBeDefined();
      expect(header!.schema.maxLength, op.key).toBe(IDEMPOTENCY_KEY_MAX);
      expect(op.keyRequired, op.key).toBe(GOVERNED.includes(op.key));
      expect(op.statuses.has('422'), `${op.key} documents 422`).toBe(true);
    }
  });

  it('refuses a key too long or not printable ASCII on every POST, naming the header', async () => {
    for (const op of posts) {
      for (const key of ['k'.repeat(IDEMPOTENCY_KEY_MAX + 1), 'tab\there']) {
        const res = await send(op, key);
        const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
        expect(res.status, `${op.key} ${key.length}`).toBe(400);
        expect(body.error.code).toBe('validation_failed');
        expect(body.error.details[0]!.path).toBe('headers.idempotency-key');
      }
      const longest = await send(op, 'k'.repeat(IDEMPOTENCY_KEY_MAX));
      expect(longest.status, `${op.key} accepts ${IDEMPOTENCY_KEY_MAX}`).not.toBe(500);
      const detail = (await longest.json()) as { error?: { details?: { path: string }[] } };
      expect(JSON.stringify(detail.error?.details ?? [])).not.toContain('headers.idempotency-key');
    }
  });

  it('requires a key on the governed runs', async () => {
    for (const op of posts.filter((o) => o.keyRequired)) {
      const res = await send(op, undefined);
      expect(res.status, op.key).toBe(400);
      expect(((await res.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe(
        'headers.idempotency-key',
      );
    }
  });

  it('answers a reused key with another request 422 idempotency_key_reused, on generic and governed routes', async () => {
    await sql`select private.ledger_credit(${u.identityId}::uuid, 100000, ${`idem-${u.id}`}, 'manual', null)`;
    const call = (path: string, key: string, body: unknown) =>
      fetch(`${api().url}/functions/v1${path}`, {
        method: 'POST',
        headers: {
          apikey: api().anonKey,
          authorization: `Bearer ${u.accessToken}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
      });
    const first = await call('/spheres', 'sphere-1', { name: 'Maison' });
    expect(first.status).toBe(201);
    const sphere = (await first.json()) as { id: string };
    const replay = await call('/spheres', 'sphere-1', { name: 'Maison' });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { id: string }).id).toBe(sphere.id);
    const ds = (await (
      await call('/dataspaces', 'ds-1', { sphere_id: sphere.id, name: 'Cuisine' })
    ).json()) as {
      id: string;
    };
    const agents = (await u.call('GET', '/agents')).body.data as { id: string; slug: string }[];
    const summarizer = agents.find((a) => a.slug === 'summarizer')!.id;
    const wf = (await u.call('POST', '/workflows', { body: { name: 'Résumé', dataspace_id: ds.id } })).body;
    await u.call('POST', '/workflows/{workflow_id}/steps', {
      params: { workflow_id: wf.id },
      body: {
        position: 1,
        name: 'Noter',
        step_type: 'transform',
        input_mapping: { note: '$.workflow.input.note' },
      },
    });
    const cases: [string, unknown, unknown][] = [
      ['/spheres', { name: 'Grange' }, { name: 'Chalet' }],
      [
        '/tokens/allocate',
        { scopeType: 'dataspace', scopeId: ds.id, amount: 20000 },
        { scopeType: 'dataspace', scopeId: ds.id, amount: 20001 },
      ],
      [
        `/agents/${summarizer}/execute`,
        { intentText: 'Résume la cuisine en trois points.', dataspaceId: ds.id },
        { intentText: 'Résume autre chose en deux points.', dataspaceId: ds.id },
      ],
      [`/workflows/${wf.id}/run`, { input: { note: 'a' } }, { input: { note: 'b' } }],
    ];
    for (const [path, body, other] of cases) {
      const key = `reuse-${path}`;
      const a = await call(path, key, body);
      expect(a.status, `${path}: ${await a.clone().text()}`).toBeLessThan(300);
      const again = await call(path, key, body);
      expect(again.status, path).toBe(a.status);
      expect(again.headers.get('idempotent-replayed'), path).toBe('true');
      const reused = await call(path, key, other);
      expect(reused.status, path).toBe(422);
      expect(((await reused.json()) as { error: { code: string } }).error.code).toBe(
        'idempotency_key_reused',
      );
    }
  });
});
