/**
 * Door: elevation requests (issue 13, finding 7). An identity probes scope ids through
 * private.request_elevation: the answer (and what the requester can read afterwards) is the same
 * for a scope that does not exist and for one that does, and never names its owner before the
 * owner approves; a user's requests are limited per hour over all their identities; the
 * requester's audit trail never carries the owner's user id.
 */
import { describe, expect, it } from 'vitest';
import { fromPostgres } from '../../supabase/functions/_shared/errors.ts';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';

const { sql } = useDatabase();
const A1_DATASPACE = seedId('a1', '0003', 1);
/** The per-user hourly limit of private.request_elevation (ELEVATION_REQUESTS_PER_HOUR). */
const PER_HOUR = 20;

/** What a requester can tell about a request: its row without the fields that differ by design. */
function shape(row: Record<string, unknown>) {
  const { id, scope_id, created_at, ...rest } = row;
  return { ...rest, id: typeof id, scope_id: typeof scope_id, created_at: typeof created_at };
}

async function ask(s: Scenario, scopeType: string, scopeId: string) {
  const [row] = await s.tx`select to_jsonb(r) as j
    from private.request_elevation(${scopeType}, ${scopeId}, 'read', 'sonde', interval '1 hour') r`;
  return row!.j as Record<string, unknown>;
}

describe('elevation requests', () => {
  it('answer alike for an unknown scope and for an existing one, naming no owner', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('b1'));
      const known = await ask(s, 'dataspace', A1_DATASPACE);
      const unknown = await ask(s, 'dataspace', crypto.randomUUID());
      expect(shape(known)).toEqual(shape(unknown));
      expect(known).toMatchObject({ status: 'pending', target_identity_id: null });
      // what the requester reads later is alike too
      const later = await s.tx`select to_jsonb(e) as j from public.elevation_requests e
                               where e.id in (${known.id as string}, ${unknown.id as string})`;
      expect(later.map((r) => shape(r.j as Record<string, unknown>))).toEqual([shape(known), shape(known)]);
      // an identity id probed the same way
      const identity = await ask(s, 'identity', SEED.a2);
      const nobody = await ask(s, 'identity', crypto.randomUUID());
      expect(shape(identity)).toEqual(shape(nobody));
    });
  });

  it('reach the owner, who alone can decide, and name the grantor once approved', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('b1'));
      const known = await ask(s, 'dataspace', A1_DATASPACE);
      const unknown = await ask(s, 'dataspace', crypto.randomUUID());
      await s.as(asIdentity('a1'));
      const received =
        await s.tx`select id from public.elevation_requests where requester_identity_id = ${SEED.b1}`;
      expect(received.map((r) => r.id)).toEqual([known.id]);
      expect(
        (await s.attempt((tx) => tx`select private.decide_elevation(${unknown.id as string}, true)`)).state,
      ).toBe('P0002');
      await s.tx`select private.decide_elevation(${known.id as string}, true)`;
      await s.as(asIdentity('b1'));
      const [granted] =
        await s.tx`select status, target_identity_id from public.elevation_requests where id = ${known.id as string}`;
      expect(granted).toEqual({ status: 'approved', target_identity_id: SEED.a1 });
      // the grant works; the request for nothing stays pending, and its requester may withdraw it
      expect(
        (await s.tx`select count(*)::int as n from public.dataspaces where id = ${A1_DATASPACE}`)[0]!.n,
      ).toBe(1);
      const [withdrawn] = await s.tx`select status from private.revoke_elevation(${unknown.id as string})`;
      expect(withdrawn!.status).toBe('revoked');
    });
  });

  it(`are limited to ${PER_HOUR} an hour per user, over all their identities and known and unknown scopes alike`, async () => {
    await inRollback(sql, async (s) => {
      for (let i = 0; i < PER_HOUR; i++) {
        await s.as(asIdentity(i % 2 === 0 ? 'b1' : 'b2'));
        await ask(s, 'dataspace', i % 3 === 0 ? A1_DATASPACE : crypto.randomUUID());
      }
      for (const [who, scope] of [
        ['b1', A1_DATASPACE],
        ['b2', crypto.randomUUID()],
      ] as const) {
        await s.as(asIdentity(who));
        const refused = await s.attempt(
          (tx) => tx`select private.request_elevation('dataspace', ${scope}, 'read', 'encore')`,
        );
        expect(refused.state).toBe('PT429');
      }
      // another user is not held back by Bob's requests
      await s.as(asIdentity('a1'));
      await ask(s, 'dataspace', crypto.randomUUID());
      // an hour later Bob may ask again
      await s.asOwner();
      await s.tx`update public.elevation_requests set created_at = created_at - interval '61 minutes'
                 where requester_identity_id in (${SEED.b1}, ${SEED.b2})`;
      await s.as(asIdentity('b1'));
      expect((await ask(s, 'dataspace', crypto.randomUUID())).status).toBe('pending');
    });
  });

  it('map the refusal to HTTP 429 rate_limited', () => {
    const error = fromPostgres({ code: 'PT429', message: 'too many elevation requests: at most 20 an hour' });
    expect(error?.code).toBe('rate_limited');
    expect(error?.status).toBe(429);
  });

  it("leave the owner's user id out of the requester's audit trail", async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('b1'));
      const req = await ask(s, 'dataspace', A1_DATASPACE);
      await s.as(asIdentity('a1'));
      await s.tx`select private.decide_elevation(${req.id as string}, true)`;
      await s.tx`select private.revoke_elevation(${req.id as string})`;
      await s.as(asIdentity('b1'));
      const trail = await s.tx`select to_jsonb(a) - 'hash' - 'prev_hash' as j from public.audit_log a
                               where a.identity_id = ${SEED.b1} order by a.seq`;
      expect(trail.length).toBeGreaterThanOrEqual(3);
      expect(JSON.stringify(trail)).not.toContain(SEED.alice);
      expect(new Set(trail.map((r) => (r.j as { user_id: string }).user_id))).toEqual(new Set([SEED.bob]));
    });
  });
});
