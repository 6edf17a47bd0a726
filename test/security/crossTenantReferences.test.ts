/**
 * Door: references across tenants (issue 20 items 4 and 10). A route that names another user's row
 * (a parent in the path, a foreign key in the body) answers exactly as for an id that exists
 * nowhere — 404, no constraint name — before anything is written, so no answer tells another
 * tenant's rows from nothing. Lists under such a parent are the same 404 as the parent's own route.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApi, type Reply, type User } from '../api/apiHarness.ts';
import { installWriteLog, writesSince } from '../api/fuzz/writeLog.ts';

const { newUser, sql } = useApi();

describe('references to another tenant’s rows', () => {
  let alice: User;
  let mallory: User;
  const a = {} as Record<'dataspace' | 'project' | 'thread' | 'message' | 'meeting', string>;
  const m = {} as Record<'dataspace' | 'thread', string>;

  beforeAll(async () => {
    await installWriteLog(sql);
    alice = await newUser('alice-refs');
    mallory = await newUser('mallory-refs');
    for (const [u, ids] of [
      [alice, a],
      [mallory, m],
    ] as const) {
      const sphere = (await u.call('POST', '/spheres', { body: { name: 'Travail' } })).body;
      ids.dataspace = (
        await u.call('POST', '/dataspaces', { body: { sphere_id: sphere.id, name: 'Chantier' } })
      ).body.id;
      ids.thread = (
        await u.call('POST', '/threads', { body: { dataspace_id: ids.dataspace, title: 'Devis' } })
      ).body.id;
    }
    a.project = (
      await alice.call('POST', '/construction/projects', {
        body: { dataspace_id: a.dataspace, name: 'Cuisine', client_name: 'Tremblay' },
      })
    ).body.id;
    // version 1 exists under Alice's project: the unique key Mallory's insert used to collide with
    expect(
      (
        await alice.call('POST', '/construction/projects/{project_id}/estimates', {
          params: { project_id: a.project },
          body: { version: 1 },
        })
      ).status,
    ).toBe(201);
    a.message = (
      await alice.call('POST', '/threads/{thread_id}/messages', {
        params: { thread_id: a.thread },
        body: { body: 'prix' },
      })
    ).body.id;
    a.meeting = (
      await alice.call('POST', '/meetings', {
        body: { dataspace_id: a.dataspace, title: 'Visite', scheduled_at: '2030-01-01T10:00:00Z' },
      })
    ).body.id;
    expect(a.meeting).toBeDefined();
  });

  /** Mallory's answer with Alice's id, and with an id that exists nowhere: they must be the same. */
  async function sameAsNowhere(send: (id: string) => Promise<Reply>, id: string) {
    const { last } = await writesSince(sql, '0');
    const theirs = await send(id);
    const nowhere = await send(randomUUID());
    expect(theirs.status).toBe(404);
    expect({ status: theirs.status, code: theirs.body.error.code }).toEqual({
      status: nowhere.status,
      code: nowhere.body.error.code,
    });
    expect(JSON.stringify(theirs.body)).not.toMatch(/constraint|_key|_fkey|23505|23503/);
    expect((await writesSince(sql, last)).rows, 'nothing written').toEqual([]);
  }

  it('answers an estimate under another user’s project 404 like a random id (not 409)', async () => {
    await sameAsNowhere(
      (id) =>
        mallory.call('POST', '/construction/projects/{project_id}/estimates', {
          params: { project_id: id },
          body: { version: 1 },
        }),
      a.project,
    );
  });

  it('answers foreign keys to another user’s rows in a body 404 like a random id', async () => {
    await sameAsNowhere(
      (id) => mallory.call('POST', '/threads', { body: { dataspace_id: id, title: 'intrus' } }),
      a.dataspace,
    );
    await sameAsNowhere(
      (id) =>
        mallory.call('POST', '/threads/{thread_id}/decisions', {
          params: { thread_id: m.thread },
          body: { title: 'vol', message_id: id },
        }),
      a.message,
    );
    await sameAsNowhere(
      (id) =>
        mallory.call('POST', '/xr/rooms', {
          body: { dataspace_id: m.dataspace, name: 'Salle', meeting_id: id },
        }),
      a.meeting,
    );
  });

  it('answers lists under another user’s parent 404 like the parent’s own route', async () => {
    for (const [template, param, id] of [
      ['/threads/{thread_id}/messages', 'thread_id', a.thread],
      ['/construction/projects/{project_id}/estimates', 'project_id', a.project],
      ['/meetings/{meeting_id}/participants', 'meeting_id', a.meeting],
    ] as const) {
      await sameAsNowhere((x) => mallory.call('GET', template, { params: { [param]: x } }), id);
    }
    // the owner still lists them
    expect(
      (await alice.call('GET', '/threads/{thread_id}/messages', { params: { thread_id: a.thread } })).body
        .data,
    ).toHaveLength(1);
  });
});
