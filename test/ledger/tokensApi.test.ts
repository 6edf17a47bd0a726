import { describe, expect, it } from 'vitest';
import { LedgerError } from '../../supabase/functions/_shared/ledger/ledgerErrors.ts';
import {
  allocateTokens,
  getTokenBalance,
  listTokenBudgets,
  listTokenTransactions,
} from '../../supabase/functions/_shared/ledger/tokensApi.ts';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { seedClock } from '../helpers/seedClock.ts';
import { inLedgerRollback } from './ledgerRollback.ts';

const { sql } = useDatabase(2);

const A1_DATASPACE = seedId('a1', '0003');
const B1_DATASPACE = seedId('b1', '0003');

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof LedgerError ? { code: e.code, status: e.status } : e),
  );

describe('tokens API', () => {
  it("shows the active identity's balance, postings and budgets only", async () => {
    await inLedgerRollback(sql, async (s) => {
      // the seeded 1 200 spent are this month's only in the seed's month
      await s.pinClock(seedClock());
      await s.as(asIdentity('a1'));
      const balance = await getTokenBalance(s.tx);
      expect(balance).toMatchObject({ balance: 798800, reserved: 0, available: 798800 });
      const page = await listTokenTransactions(s.tx, { limit: 2 });
      expect(page).toHaveLength(2);
      expect(page[0]!.entryNo).toBeGreaterThan(page[1]!.entryNo);
      const next = await listTokenTransactions(s.tx, { limit: 50, before: page[1]!.entryNo });
      expect(next.every((t) => t.entryNo < page[1]!.entryNo)).toBe(true);
      expect(page[0]!.balanceAfter).toBe(798800);
      const budgets = await listTokenBudgets(s.tx);
      expect(budgets.map((b) => b.scopeType).sort()).toEqual(['dataspace', 'thread']);
      expect(budgets.find((b) => b.scopeType === 'dataspace')).toMatchObject({
        amount: 50000,
        remaining: 48800,
      });

      await s.as(asIdentity('b2'));
      expect((await getTokenBalance(s.tx))?.balance).toBe(20000);
      expect(await listTokenBudgets(s.tx)).toEqual([]);
    });
  });

  it('allocates through the active identity and maps refusals to API errors', async () => {
    await inLedgerRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      const input = {
        scopeType: 'dataspace',
        scopeId: A1_DATASPACE,
        amount: 500,
        idempotencyKey: 'api-1',
      } as const;
      const a = await allocateTokens(s.tx, input);
      expect(a).toMatchObject({ scopeType: 'dataspace', scopeId: A1_DATASPACE, amount: 500 });
      expect((await allocateTokens(s.tx, input)).id).toBe(a.id);
      // each refusal in its own savepoint, as a request would be its own transaction
      const attempt = (i: unknown) => refusal(s.tx.savepoint((sp) => allocateTokens(sp, i as typeof input)));
      expect(await attempt({ ...input, amount: 501 })).toEqual({
        code: 'idempotency_key_reused',
        status: 422,
      });
      expect(await attempt({ ...input, scopeId: B1_DATASPACE, idempotencyKey: 'api-2' })).toEqual({
        code: 'forbidden',
        status: 403,
      });
      expect(await attempt({ ...input, amount: 10_000_000, idempotencyKey: 'api-3' })).toEqual({
        code: 'insufficient_balance',
        status: 402,
      });
      expect(await attempt({ ...input, amount: -1 })).toEqual({ code: 'validation_failed', status: 400 });
      expect(await attempt({ ...input, scopeType: 'sphere' })).toEqual({
        code: 'validation_failed',
        status: 400,
      });
      expect(await attempt({ ...input, extra: true })).toEqual({ code: 'validation_failed', status: 400 });
      expect(await getTokenBalance(s.tx)).toMatchObject({ balance: 798800 });
    });
  });

  it("shows nothing to a request whose identity claim is not the user's", async () => {
    await inLedgerRollback(sql, async (s) => {
      await s.as({ ...asIdentity('b1'), identity_id: SEED.a1 });
      expect(await getTokenBalance(s.tx)).toBeNull();
      expect(await listTokenTransactions(s.tx)).toEqual([]);
    });
  });
});
