/**
 * Door: request bodies of every function (issues 13 and 20). Each operation with a body documents
 * its limit (`x-max-bytes`, from the same route declarations that enforce it) and refuses one byte
 * more with 413 `payload_too_large` in the JSON error shape, whether the size is declared
 * (Content-Length) or only streamed (chunked), and writes nothing; the `.chenu` import takes bodies
 * up to its larger limit. A deep JSON body gets one answer on POST and PATCH (400 naming the field).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useApi, type User } from '../api/apiHarness.ts';
import { apiOperations, type OpenApiDocument, type Operation } from '../api/fuzz/operations.ts';
import { installWriteLog, writesSince } from '../api/fuzz/writeLog.ts';

const { api, newUser, sql } = useApi();
const ZERO = '00000000-0000-4000-8000-000000000000';

describe('request body limits', () => {
  let ops: Operation[];
  let u: User;

  beforeAll(async () => {
    const doc = (await (
      await fetch(`${api().url}/functions/v1/docs/openapi.json`)
    ).json()) as OpenApiDocument;
    ops = apiOperations(doc).filter((o) => o.body || o.rawBody);
    await installWriteLog(sql);
    u = await newUser('limits');
  });

  const send = (op: Operation, body: BodyInit, extra: Record<string, string> = {}) =>
    fetch(`${api().url}/functions/v1${op.template.replace(/\{\w+\}/g, ZERO)}?dataspace_id=${ZERO}&name=x`, {
      method: op.method,
      headers: {
        apikey: api().anonKey,
        authorization: `Bearer ${u.accessToken}`,
        'content-type': op.body ? 'application/json' : 'application/octet-stream',
        ...(op.keyRequired ? { 'idempotency-key': 'limits' } : {}),
        ...extra,
      },
      body,
      duplex: 'half',
    } as RequestInit);

  it('documents a limit on every body, and refuses one byte more with 413 in the JSON shape', async () => {
    expect(ops.length).toBeGreaterThan(60);
    const { last } = await writesSince(sql, '0');
    for (const op of ops) {
      expect(op.maxBytes, `${op.key} documents x-max-bytes`).toBeGreaterThan(0);
      const res = await send(op, `{"pad":"${'z'.repeat(op.maxBytes! - 9)}"}`);
      expect(res.status, op.key).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    }
    expect((await writesSince(sql, last)).rows, 'rows written by refused requests').toEqual([]);
  });

  it('refuses a streamed (chunked) body past the limit, without a Content-Length to trust', async () => {
    const op = ops.find((o) => o.key === 'POST /spheres')!;
    const chunk = new TextEncoder().encode('z'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"name":"'));
        if (sent > op.maxBytes! * 4) return controller.close();
        controller.enqueue(chunk);
        sent += chunk.length;
      },
    });
    const res = await send(op, stream);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('takes a .chenu import larger than other bodies, up to its own limit', async () => {
    const imp = ops.find((o) => o.key === 'POST /threads/import')!;
    const spheres = ops.find((o) => o.key === 'POST /spheres')!;
    expect(imp.maxBytes!).toBeGreaterThan(spheres.maxBytes! * 4);
    const big = JSON.stringify({ dataspace_id: ZERO, document: { pad: 'd'.repeat(spheres.maxBytes! * 2) } });
    const res = await send(imp, big);
    // past the general limit but within the import's: read and refused for what it says, not its size
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });

  it('answers a deep JSON body the same on POST and PATCH: 400 naming the field', async () => {
    const sphere = (await u.call('POST', '/spheres', { body: { name: 'Profond' } })).body;
    const ds = (await u.call('POST', '/dataspaces', { body: { sphere_id: sphere.id, name: 'Salle' } })).body;
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const post = await fetch(`${api().url}/functions/v1/xr/rooms`, {
      method: 'POST',
      headers: {
        apikey: api().anonKey,
        authorization: `Bearer ${u.accessToken}`,
        'content-type': 'application/json',
      },
      body: `{"dataspace_id":"${ds.id}","name":"Salle","settings":${deep}}`,
    });
    const created = (
      await u.call('POST', '/xr/rooms', { body: { dataspace_id: ds.id, name: 'Salle', settings: {} } })
    ).body;
    const patch = await fetch(`${api().url}/functions/v1/xr/rooms/${created.id}`, {
      method: 'PATCH',
      headers: {
        apikey: api().anonKey,
        authorization: `Bearer ${u.accessToken}`,
        'content-type': 'application/json',
      },
      body: `{"settings":${deep}}`,
    });
    for (const res of [post, patch]) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as {
        error: { code: string; details: { path: string; code: string }[] };
      };
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details[0]).toMatchObject({ code: 'too_deep' });
      expect(body.error.details[0]!.path).toMatch(/^body\.settings(\.a)*$/);
    }
    const rooms = await u.call('GET', '/xr/rooms', { query: { dataspace_id: ds.id } });
    expect(rooms.body.data.map((r: { id: string }) => r.id)).toEqual([created.id]);
  });
});
