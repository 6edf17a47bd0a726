import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED } from '../helpers/personas.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';

const { sql } = useDatabase();

/** A sphere, two dataspaces in it and one in another sphere, all A1's, made in the scenario. */
async function scopes(s: Scenario) {
  await s.asOwner();
  const [sphere, otherSphere] = await s.tx<{ id: string }[]>`
    insert into public.spheres (identity_id, name, kind)
    values (${SEED.a1}, 'Sphère salle', 'personal'), (${SEED.a1}, 'Autre sphère', 'personal') returning id`;
  const ds = async (sphereId: string) => {
    const [row] = await s.tx<{ id: string }[]>`
      insert into public.dataspaces (identity_id, user_id, sphere_id, name, kind)
      values (${SEED.a1}, ${SEED.alice}, ${sphereId}, 'Salle', 'project') returning id`;
    return row!.id;
  };
  return {
    sphere: sphere!.id,
    otherSphere: otherSphere!.id,
    room: await ds(sphere!.id),
    sibling: await ds(sphere!.id),
    elsewhere: await ds(otherSphere!.id),
  };
}

/** A grant of B1 on A1's scope, as the elevation flow leaves it. */
async function grant(
  s: Scenario,
  scope: { type: 'identity' | 'sphere' | 'dataspace'; id: string },
  permission: 'read' | 'write',
  status: 'approved' | 'pending' | 'revoked' | 'denied',
  expiresIn: string,
): Promise<{ id: string; expires: Date | null }> {
  await s.asOwner();
  const approved = status === 'approved' || status === 'revoked';
  const [row] = await s.tx<{ id: string; expires: Date | null }[]>`
    insert into public.elevation_requests (requester_identity_id, target_identity_id, scope_type, scope_id,
      permission, reason, status, decided_at, expires_at, revoked_at)
    values (${SEED.b1}, ${SEED.a1}, ${scope.type}, ${scope.id}, ${permission}, 'matrice', ${status},
            ${approved ? new Date() : null}, case when ${approved} then now() + ${expiresIn}::interval end,
            case when ${status} = 'revoked' then now() end)
    returning id, expires_at as expires`;
  return row!;
}

async function access(s: Scenario, kind: string, resource: string) {
  return s.tx<{ role: string; owner_identity_id: string; access_until: Date | null; access: string }[]>`
    select * from private.room_access(${kind}, ${resource}::uuid)`;
}

describe('private.room_access and private.elevation_until', () => {
  it('agree with private.elevated on every grant shape: one rule for RLS and for rooms', async () => {
    await inRollback(sql, async (s) => {
      const sc = await scopes(s);
      const shapes = [
        { type: 'identity', id: SEED.a1 },
        { type: 'sphere', id: sc.sphere },
        { type: 'dataspace', id: sc.room },
      ] as const;
      let checked = 0;
      for (const scope of shapes) {
        for (const permission of ['read', 'write'] as const) {
          for (const status of ['approved', 'pending', 'revoked', 'denied'] as const) {
            for (const expiresIn of ['1 hour', '-1 minute']) {
              const g = await grant(s, scope, permission, status, expiresIn);
              await s.as(asIdentity('b1'));
              for (const target of [sc.room, sc.sibling, sc.elsewhere]) {
                for (const wanted of ['read', 'write']) {
                  const [row] = await s.tx<{ elevated: boolean; until: Date | null }[]>`
                    select private.elevated(${SEED.a1}, ${wanted}, null, ${target}) as elevated,
                           private.elevation_until(${SEED.a1}, ${wanted}, null, ${target}) as until`;
                  const label = `${scope.type} ${permission} ${status} ${expiresIn} -> ${wanted}`;
                  expect(row!.until !== null, label).toBe(row!.elevated);
                  if (row!.until) expect(row!.until.getTime(), label).toBe(g.expires!.getTime());
                  checked += 1;
                }
              }
              await s.asOwner();
              await s.tx`delete from public.elevation_requests where id = ${g.id}`;
            }
          }
        }
      }
      expect(checked).toBe(3 * 2 * 4 * 2 * 3 * 2);
    });
  });

  it('makes the owner host, a write grant participant and a read grant viewer, until the grant lapses', async () => {
    await inRollback(sql, async (s) => {
      const sc = await scopes(s);
      await s.as(asIdentity('a1'));
      expect(await access(s, 'dataspace', sc.room)).toEqual([
        { role: 'host', owner_identity_id: SEED.a1, access_until: null, access: 'owner' },
      ]);
      await s.as(asIdentity('b1'));
      expect(await access(s, 'dataspace', sc.room)).toEqual([]);
      const read = await grant(s, { type: 'dataspace', id: sc.room }, 'read', 'approved', '2 hours');
      const write = await grant(s, { type: 'sphere', id: sc.sphere }, 'write', 'approved', '10 minutes');
      await s.as(asIdentity('b1'));
      expect(await access(s, 'dataspace', sc.room)).toEqual([
        { role: 'participant', owner_identity_id: SEED.a1, access_until: write.expires, access: 'elevated' },
      ]);
      await s.asOwner();
      await s.tx`update public.elevation_requests set status = 'revoked', revoked_at = now() where id = ${write.id}`;
      await s.as(asIdentity('b1'));
      expect(await access(s, 'dataspace', sc.room)).toEqual([
        { role: 'viewer', owner_identity_id: SEED.a1, access_until: read.expires, access: 'elevated' },
      ]);
      // another identity of the same user gets nothing from B1's grant (cross-identity blocking)
      await s.as(asIdentity('b2'));
      expect(await access(s, 'dataspace', sc.room)).toEqual([]);
      // a forged identity claim matches no identity
      await s.as({ ...asIdentity('b1'), identity_id: SEED.a1 });
      expect(await access(s, 'dataspace', sc.room)).toEqual([]);
      await s.asOwner();
      await s.tx`update public.dataspaces set archived_at = now() where id = ${sc.room}`;
      await s.as(asIdentity('a1'));
      expect(await access(s, 'dataspace', sc.room)).toEqual([]);
    });
  });

  it('answers for workspaces, meetings (with the participant list) and presence channels', async () => {
    await inRollback(sql, async (s) => {
      const sc = await scopes(s);
      await s.asOwner();
      const [ws] = await s.tx<{ id: string }[]>`
        insert into public.workspaces (identity_id, user_id, dataspace_id, name)
        values (${SEED.a1}, ${SEED.alice}, ${sc.room}, 'Atelier') returning id`;
      const [mt] = await s.tx<{ id: string }[]>`
        insert into public.meetings (identity_id, user_id, dataspace_id, title, scheduled_at)
        values (${SEED.a1}, ${SEED.alice}, ${sc.room}, 'Réunion', now()) returning id`;
      await s.tx`insert into public.meeting_participants (identity_id, meeting_id, participant_identity_id, display_name, role)
                 values (${SEED.a1}, ${mt!.id}, ${SEED.b1}, 'Bob', 'moderator')`;
      await s.as(asIdentity('b1'));
      expect(await access(s, 'workspace', ws!.id)).toEqual([]);
      // listed in a scheduled meeting: the seat (issue 14) admits it to that meeting, as the list says
      // (a host there is the room's moderator: the owner stays its one host)
      expect(await access(s, 'meeting', mt!.id)).toEqual([
        { role: 'moderator', owner_identity_id: SEED.a1, access_until: null, access: 'seat' },
      ]);
      await grant(s, { type: 'dataspace', id: sc.room }, 'read', 'approved', '1 hour');
      await s.as(asIdentity('b1'));
      expect((await access(s, 'workspace', ws!.id)).map((r) => r.role)).toEqual(['viewer']);
      expect((await access(s, 'meeting', mt!.id)).map((r) => [r.role, r.access])).toEqual([
        ['moderator', 'seat'],
      ]);
      await s.asOwner();
      await s.tx`update public.meetings set status = 'ended', started_at = now(), ended_at = now() where id = ${mt!.id}`;
      // an ended meeting gives its seats nothing; the read grant still opens it, as a viewer
      await s.as(asIdentity('b1'));
      expect((await access(s, 'meeting', mt!.id)).map((r) => [r.role, r.access])).toEqual([
        ['viewer', 'elevated'],
      ]);
      await s.asOwner();
      await s.tx`update public.meetings set status = 'cancelled' where id = ${mt!.id}`;
      await s.as(asIdentity('a1'));
      expect(await access(s, 'meeting', mt!.id)).toEqual([]);
      expect((await access(s, 'presence', SEED.a1)).map((r) => r.role)).toEqual(['host']);
      expect(await access(s, 'presence', SEED.b1)).toEqual([]);
      expect(
        (await s.attempt((tx) => tx`select * from private.room_access('lobby', ${SEED.a1}::uuid)`)).state,
      ).toBe('22023');
    });
  });

  it('announces access changes on their own routing keys, without data', async () => {
    await inRollback(sql, async (s) => {
      const sc = await scopes(s);
      await s.tx`delete from private.realtime_outbox`;
      const g = await grant(s, { type: 'dataspace', id: sc.room }, 'write', 'approved', '1 hour');
      await s.tx`update public.elevation_requests set status = 'revoked', revoked_at = now() where id = ${g.id}`;
      await s.tx`update public.dataspaces set archived_at = now() where id = ${sc.sibling}`;
      await s.tx`update public.dataspaces set name = 'Renommée' where id = ${sc.elsewhere}`;
      const rows = await s.tx<{ payload: string }[]>`select payload from private.realtime_outbox order by id`;
      const events = rows.map(
        (r) => JSON.parse(r.payload) as { keys: string[]; data: object; table: string },
      );
      const access = events.filter((e) => e.keys[0]!.startsWith('access:'));
      expect(access.map((e) => [e.table, e.keys])).toEqual([
        ['elevation_requests', [`access:identity:${SEED.b1}`]],
        ['elevation_requests', [`access:identity:${SEED.b1}`]],
        ['dataspaces', [`access:dataspace:${sc.sibling}`]],
      ]);
      for (const e of access) expect(e.data).toEqual({});
    });
  });
});
