import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED } from '../helpers/personas.ts';

const db = useDatabase();

describe('withUser and the active identity', () => {
  it('acts as the claimed identity of the signed-in user', async () => {
    const rows = await db.withUser(
      asIdentity('a2'),
      (tx) => tx`select distinct identity_id from public.dataspaces`,
    );
    expect(rows.map((r) => r.identity_id)).toEqual([SEED.a2]);
  });

  it("ignores an identity claim naming another user's identity (forged claim sees nothing)", async () => {
    const forged = { ...asIdentity('a1'), identity_id: SEED.b1 };
    const rows = await db.withUser(forged, (tx) => tx`select id from public.dataspaces`);
    expect(rows).toEqual([]);
  });

  it('treats a malformed identity claim as no identity, without an error', async () => {
    const rows = await db.withUser(
      { ...asIdentity('a1'), identity_id: "x' or 1=1 --" },
      (tx) => tx`select id from public.threads`,
    );
    expect(rows).toEqual([]);
  });

  it('still lists all of the user’s identities, so the client can switch', async () => {
    const rows = await db.withUser(
      asIdentity('a1'),
      (tx) => tx`select id from public.identities order by id`,
    );
    expect(rows.map((r) => r.id)).toEqual([SEED.a1, SEED.a2]);
  });

  it('fills identity_id from the claim on insert and keeps the change local to the transaction', async () => {
    const [row] = await db.withUser(asIdentity('b1'), async (tx) => {
      const [inserted] =
        await tx`insert into public.spheres (name) values ('Bénévolat') returning identity_id`;
      await tx`select set_config('request.jwt.claims', '', true)`;
      return [inserted];
    });
    expect(row!.identity_id).toBe(SEED.b1);
    await db.withService((tx) => tx`delete from public.spheres where name = 'Bénévolat'`);
    const [settings] =
      await db.sql`select current_setting('request.jwt.claims', true) as claims, current_user as role`;
    expect(settings!.role).toBe('postgres');
    expect(settings!.claims ?? '').toBe('');
  });

  it('refuses an unknown role before touching the database', async () => {
    await expect(db.withUser({ role: 'postgres' as never }, async () => 1)).rejects.toThrow(/claims.role/);
  });
});
