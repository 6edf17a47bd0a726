import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';

// 16 connections that COMMIT: everything happens on fresh identities of this file's own, so the
// seeded data other files assert on never changes.
// commits for real: a database of its own
const sql = useIsolatedDatabase('ledger_concurrency', 16).sql();

const WORKERS = 16;
const OPERATIONS = 2000;
const SEED = 20261127;
const FUNDING = 100_000;

/** mulberry32: a small deterministic PRNG, so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function freshIdentity(n: number): Promise<string> {
  const user = randomUUID();
  const identity = randomUUID();
  await sql.begin(async (tx) => {
    await tx`insert into auth.users (id, email) values (${user}, ${`ledger-${user}@example.test`})`;
    await tx`insert into public.users (id, email, display_name) values (${user}, ${`ledger-${user}@example.test`}, ${`Ledger ${n}`})`;
    await tx`insert into public.identities (id, user_id, name, is_default) values (${identity}, ${user}, 'Ledger', true)`;
    await tx`insert into public.token_accounts (kind, identity_id, user_id) values ('identity', ${identity}, ${user})`;
  });
  await sql`select private.ledger_credit(${identity}, ${FUNDING}, ${`fund-${identity}`}, 'manual', null)`;
  return identity;
}

describe('ledger under concurrency', () => {
  it('keeps every invariant with 16 connections hammering a few shared accounts', async () => {
    const started = Date.now();
    const identities = await Promise.all([0, 1, 2, 3].map((n) => freshIdentity(n)));
    // one identity also spends under a monthly budget, so budget rows are locked and counted too
    await sql`insert into public.token_budgets (identity_id, scope_type, scope_id, period, amount)
              values (${identities[0]!}, 'identity', ${identities[0]!}, 'monthly', 250000)`;

    const random = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const open: string[] = [];
    const resolvedBy = new Map<string, number>();
    const outcomes: Record<string, number> = {};
    const note = (k: string): void => {
      outcomes[k] = (outcomes[k] ?? 0) + 1;
    };

    // the operation list is drawn up front from the seed; workers then race through it
    type Op =
      | { kind: 'reserve'; identity: string; amount: number }
      | { kind: 'commit'; actualShare: number; slot: number }
      | { kind: 'release'; slot: number }
      | { kind: 'transfer'; from: string; to: string; amount: number };
    const ops: Op[] = [];
    for (let i = 0; i < OPERATIONS; i++) {
      const r = random();
      if (r < 0.4)
        ops.push({ kind: 'reserve', identity: pick(identities), amount: 1 + Math.floor(random() * 8000) });
      else if (r < 0.65) ops.push({ kind: 'commit', actualShare: random(), slot: random() });
      else if (r < 0.8) ops.push({ kind: 'release', slot: random() });
      else {
        const from = pick(identities);
        const to = pick(identities.filter((x) => x !== from));
        ops.push({ kind: 'transfer', from, to, amount: 1 + Math.floor(random() * 5000) });
      }
    }

    let next = 0;
    async function run(op: Op, i: number): Promise<void> {
      const key = `conc-${SEED}-${i}`;
      try {
        if (op.kind === 'reserve') {
          const [r] =
            await sql`select id from private.ledger_reserve(${op.identity}, ${op.amount}, ${key}, null, null,
                                 interval '10 minutes', ${sql.json({})})`;
          open.push(r!.id as string);
        } else if (op.kind === 'transfer') {
          await sql`select private.ledger_transfer(${op.from}, ${op.to}, ${op.amount}, ${key})`;
        } else {
          if (open.length === 0) return note('nothing open');
          // sometimes a reservation another worker already settled: it must be refused
          const id = open[Math.floor(op.slot * open.length)]!;
          if (op.kind === 'commit') {
            const [{ amount }] =
              (await sql`select amount::int from public.token_reservations where id = ${id}`) as unknown as [
                { amount: number },
              ];
            await sql`select private.ledger_commit(${id}, ${Math.floor(op.actualShare * amount)}, ${key})`;
          } else {
            await sql`select private.ledger_release(${id}, ${key})`;
          }
          resolvedBy.set(id, (resolvedBy.get(id) ?? 0) + 1);
        }
        note(`${op.kind} ok`);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'LD001' || code === '55000') return note(`${op.kind} ${code}`);
        throw error;
      }
    }
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (next < ops.length) {
          const i = next++;
          await run(ops[i]!, i);
        }
      }),
    );

    // losers of a settlement race are refused (at most once), some holds were refused for lack of funds
    expect((outcomes['commit 55000'] ?? 0) + (outcomes['release 55000'] ?? 0)).toBeGreaterThan(0);
    expect(outcomes['reserve LD001']).toBeGreaterThan(0);
    // settlements really raced each other, and some were refused for an exhausted balance
    expect(outcomes['reserve ok']).toBeGreaterThan(0);
    expect(outcomes['commit ok']).toBeGreaterThan(0);
    expect(outcomes['release ok']).toBeGreaterThan(0);
    expect(outcomes['transfer ok']).toBeGreaterThan(0);
    expect([...resolvedBy.values()].every((n) => n === 1)).toBe(true);

    // postings of every movement sum to zero
    expect(
      await sql`select movement_id from public.token_transactions where type in ('credit', 'debit', 'transfer')
                group by movement_id having sum(amount) <> 0`,
    ).toEqual([]);
    // every balance equals the sum of its balance postings, every hold the sum of its reserve/release postings
    expect(
      await sql`select a.id from public.token_accounts a
                left join public.token_transactions t on t.account_id = a.id
                group by a.id, a.balance, a.reserved
                having a.balance <> coalesce(sum(t.amount) filter (where t.type in ('credit', 'debit', 'transfer')), 0)
                    or a.reserved <> coalesce(sum(t.amount) filter (where t.type in ('reserve', 'release')), 0)`,
    ).toEqual([]);
    // reserved equals the open reservations; never negative, never above the balance
    const accounts = await sql`
      select a.identity_id, a.balance::bigint::text as balance, a.reserved::bigint::text as reserved,
             (select coalesce(sum(r.amount), 0)::bigint::text from public.token_reservations r
              where r.account_id = a.id and r.status = 'open') as open_held
      from public.token_accounts a where a.identity_id = any(${identities})`;
    expect(accounts).toHaveLength(4);
    for (const a of accounts) {
      expect(a.reserved).toBe(a.open_held);
      expect(Number(a.balance)).toBeGreaterThanOrEqual(0);
      expect(Number(a.reserved)).toBeLessThanOrEqual(Number(a.balance));
    }
    const total = await sql`select sum(balance)::bigint::text as total from public.token_accounts`;
    expect(total[0]!.total).toBe('0');
    // every reservation resolved at most once, and exactly once when it is no longer open
    expect(
      await sql`select r.id from public.token_reservations r
                where r.identity_id = any(${identities})
                  and (select count(*) from public.audit_log l where l.entity_id = r.id
                       and l.action in ('ledger.commit', 'ledger.release', 'ledger.expire'))
                      <> case when r.status = 'open' then 0 else 1 end`,
    ).toEqual([]);
    // the identity budget tracks its identity's holds and spending
    const [b] = await sql`
      select b.reserved::int, b.spent::int,
             (select coalesce(sum(r.amount), 0)::int from public.token_reservations r
              where r.identity_id = b.identity_id and r.status = 'open') as held,
             (select coalesce(sum(r.committed_amount), 0)::int from public.token_reservations r
              where r.identity_id = b.identity_id and r.status = 'committed') as committed
      from public.token_budgets b where b.identity_id = ${identities[0]!}`;
    expect(b!.reserved).toBe(b!.held);
    expect(b!.spent).toBe(b!.committed);

    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
