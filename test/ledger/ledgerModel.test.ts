import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { inLedgerRollback } from './ledgerRollback.ts';
import { ledgerViolations } from './invariants.ts';
import {
  LedgerModel,
  type Budget,
  type Op,
  type Outcome,
  type Scopes,
  type Snapshot,
} from './referenceModel.ts';

const { sql } = useDatabase(2);

const OPS_PER_SEED = 220;
// more with LEDGER_MODEL_SEEDS=<n> when hunting for a failing seed
const RANDOM_SEEDS = Number(process.env.LEDGER_MODEL_SEEDS ?? 4);
const SEED_TIME_BUDGET_MS = 8_000;

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

function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

interface Party {
  identity: string;
  dataspace: string;
  thread: string;
  endedDomain: string;
}

/** Fresh identities with an account, a dataspace, a thread and budgets, mirrored into the model. */
async function setUp(tx: TransactionSql, random: () => number, model: LedgerModel): Promise<Party[]> {
  const parties: Party[] = [];
  for (let n = 0; n < 3; n++) {
    const [user, identity, sphere, dataspace, thread, endedDomain] = Array.from({ length: 6 }, () =>
      uuidFrom(random),
    ) as [string, string, string, string, string, string];
    const email = `model-${user}@example.test`;
    await tx`insert into auth.users (id, email) values (${user}, ${email})`;
    await tx`insert into public.users (id, email, display_name) values (${user}, ${email}, 'Model')`;
    await tx`insert into public.identities (id, user_id, name, is_default) values (${identity}, ${user}, 'Model', true)`;
    await tx`insert into public.spheres (id, identity_id, name) values (${sphere}, ${identity}, 'Model')`;
    await tx`insert into public.dataspaces (id, identity_id, user_id, sphere_id, name)
             values (${dataspace}, ${identity}, ${user}, ${sphere}, 'Model')`;
    await tx`insert into public.threads (id, identity_id, dataspace_id, title) values (${thread}, ${identity}, ${dataspace}, 'Model')`;
    await tx`insert into public.token_accounts (kind, identity_id, user_id) values ('identity', ${identity}, ${user})`;
    model.addAccount(identity);
    model.addThread(thread);
    const budgets: Omit<Budget, 'id' | 'identity' | 'spent' | 'reserved'>[] = [
      ...(n < 2
        ? [
            {
              scopeType: 'identity',
              scopeId: identity,
              period: 'monthly',
              amount: 6000,
              ended: false,
            } as const,
          ]
        : []),
      { scopeType: 'dataspace', scopeId: dataspace, period: 'project', amount: 3000, ended: false },
      { scopeType: 'thread', scopeId: thread, period: 'unlimited', amount: 0, ended: false },
      { scopeType: 'domain', scopeId: endedDomain, period: 'project', amount: 100000, ended: true },
    ];
    for (const b of budgets) {
      const id = uuidFrom(random);
      const ended = b.ended;
      await tx`insert into public.token_budgets (id, identity_id, scope_type, scope_id, period, amount, period_start, period_end)
               values (${id}, ${identity}, ${b.scopeType}, ${b.scopeId}, ${b.period}, ${b.amount},
                       now() - interval '2 days',
                       ${b.period === 'project' ? (ended ? sql`now() - interval '1 day'` : sql`now() + interval '30 days'`) : null})`;
      model.addBudget({
        id,
        identity,
        scopeType: b.scopeType,
        scopeId: b.scopeId,
        period: b.period,
        amount: b.amount,
        ended,
      });
    }
    parties.push({ identity, dataspace, thread, endedDomain });
  }
  return parties;
}

/** Runs one operation on the SQL functions in a savepoint; refusals become outcomes. */
async function runSql(tx: TransactionSql, op: Op): Promise<Outcome> {
  const call = async (sp: TransactionSql): Promise<string> => {
    switch (op.kind) {
      case 'credit':
        return (
          await sp`select id from private.ledger_credit(${op.identity}, ${op.amount}, ${op.key}, 'manual', null)`
        )[0]!.id as string;
      case 'debit':
        return (
          await sp`select id from private.ledger_debit(${op.identity}, ${op.amount}, ${op.key}, null, null,
                                                              ${sp.json(op.scopes)})`
        )[0]!.id as string;
      case 'reserve':
        return (
          await sp`select id from private.ledger_reserve(${op.identity}, ${op.amount}, ${op.key}, null, null,
                                   interval '10 minutes', ${sp.json(op.scopes)})`
        )[0]!.id as string;
      case 'commit':
        return (
          await sp`select id from private.ledger_commit(${op.reservation}, ${op.actual}, ${op.key})`
        )[0]!.id as string;
      case 'release':
        return (await sp`select id from private.ledger_release(${op.reservation}, ${op.key})`)[0]!
          .id as string;
      case 'expire': {
        // the sweep is global (other stale holds may go too): report whether this one expired
        const status = async () =>
          ((await sp`select status from public.token_reservations where id = ${op.reservation}`)[0]?.status ??
            null) as string | null;
        const before = await status();
        await sp`update public.token_reservations set expires_at = now() - interval '1 minute' where id = ${op.reservation}`;
        await sp`select private.ledger_expire_sweep()`;
        return before === 'open' && (await status()) === 'expired' ? '1' : '0';
      }
      case 'transfer':
        return (
          await sp`select id from private.ledger_transfer(${op.from}, ${op.to}, ${op.amount}, ${op.key})`
        )[0]!.id as string;
    }
  };
  try {
    return { ok: true, result: await tx.savepoint(call) };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (!e.code) throw error;
    return { ok: false, code: e.code, message: e.message };
  }
}

async function readState(tx: TransactionSql, parties: Party[], model: LedgerModel): Promise<Snapshot> {
  const ids = parties.map((p) => p.identity);
  const accounts = await tx`select identity_id, balance::int, reserved::int from public.token_accounts
                            where identity_id = any(${ids})`;
  const budgets =
    await tx`select id, spent::int, reserved::int from public.token_budgets where identity_id = any(${ids})`;
  const reservations = await tx`select id, status, committed_amount::int from public.token_reservations
                                where identity_id = any(${ids})`;
  const threads =
    await tx`select id, tokens_consumed::int from public.threads where id = any(${parties.map((p) => p.thread)})`;
  return {
    accounts: Object.fromEntries(
      accounts.map((a) => [a.identity_id, { balance: a.balance, reserved: a.reserved }]),
    ),
    budgets: Object.fromEntries(budgets.map((b) => [b.id, { spent: b.spent, reserved: b.reserved }])),
    reservations: Object.fromEntries(
      reservations
        .filter((r) => model.reservations.has(r.id))
        .map((r) => [r.id, { status: r.status, committed: r.committed_amount }]),
    ),
    threads: Object.fromEntries(threads.map((t) => [t.id, t.tokens_consumed])),
  };
}

/** Draws the next operation from the seed and what exists so far (replays reuse earlier keys). */
function nextOp(
  random: () => number,
  step: number,
  parties: Party[],
  history: Op[],
  reservations: string[],
): Op {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const amount = () => 1 + Math.floor(random() * (random() < 0.2 ? 8000 : 1500));
  const key = `k${step}`;
  const scopes = (p: Party): Scopes => {
    const s: Scopes = {};
    // a quarter of the spends happen in another party's dataspace (a member's run, issue 14): the
    // payer pays, the place's dataspace and thread budgets cap it, the place owner's domain does not
    const place = random() < 0.25 ? pick(parties) : p;
    if (random() < 0.6) s.dataspace = place.dataspace;
    if (random() < 0.5) s.thread = place.thread;
    if (random() < 0.05) s.domain = place.endedDomain;
    if (random() < 0.1) s.identity = random() < 0.8 ? p.identity : pick(parties).identity;
    return s;
  };
  const reservation = () =>
    reservations.length === 0 || random() < 0.03 ? uuidFrom(random) : pick(reservations);
  const r = random();
  if (step < parties.length) return { kind: 'credit', identity: parties[step]!.identity, amount: 4000, key };
  if (r < 0.08 && history.length > 0) return pick(history); // replay: same key, same request
  if (r < 0.14 && history.length > 0) {
    const old = pick(history); // same key, different request
    switch (old.kind) {
      case 'release':
        return { ...old, reservation: reservation() };
      case 'commit':
        return { ...old, actual: old.actual + 1 };
      case 'expire':
        return old;
      default:
        return { ...old, amount: old.amount + 1 };
    }
  }
  const p = pick(parties);
  if (r < 0.22) return { kind: 'credit', identity: p.identity, amount: amount(), key };
  if (r < 0.4) return { kind: 'debit', identity: p.identity, amount: amount(), key, scopes: scopes(p) };
  if (r < 0.62) return { kind: 'reserve', identity: p.identity, amount: amount(), key, scopes: scopes(p) };
  if (r < 0.76) {
    const id = reservation();
    const held = 1 + Math.floor(random() * 1600);
    return {
      kind: 'commit',
      reservation: id,
      actual: random() < 0.1 ? -1 : Math.floor(held * random()),
      key,
    };
  }
  if (r < 0.85) return { kind: 'release', reservation: reservation(), key };
  if (r < 0.9) return { kind: 'expire', reservation: reservation() };
  const to = pick(parties);
  return { kind: 'transfer', from: p.identity, to: to.identity, amount: random() < 0.05 ? 0 : amount(), key };
}

/** A spend in another party's dataspace or thread (a member's run in a shared dataspace). */
function isShared(op: { identity: string; scopes: Scopes }, parties: Party[]): boolean {
  const own = parties.find((p) => p.identity === op.identity)!;
  return (
    (op.scopes.dataspace !== undefined && op.scopes.dataspace !== own.dataspace) ||
    (op.scopes.thread !== undefined && op.scopes.thread !== own.thread)
  );
}

/** Runs one seed against the SQL functions and the model; throws at the first divergence. */
async function checkSeed(seed: number): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  await inLedgerRollback(sql, async (s) => {
    const random = prng(seed);
    const model = new LedgerModel();
    const parties = await setUp(s.tx, random, model);
    const history: Op[] = [];
    const reservations: string[] = [];
    const started = Date.now();
    for (let step = 0; step < OPS_PER_SEED && Date.now() - started < SEED_TIME_BUDGET_MS; step++) {
      const op = nextOp(random, step, parties, history, reservations);
      const real = await runSql(s.tx, op);
      const expected = model.apply(op, real.ok ? real.result : null);
      const where = `seed ${seed}, step ${step}, ${JSON.stringify(op)}`;
      const label = `${op.kind} ${real.ok ? 'ok' : real.code}`;
      outcomes[label] = (outcomes[label] ?? 0) + 1;
      if ((op.kind === 'debit' || op.kind === 'reserve') && isShared(op, parties)) {
        outcomes[`shared ${label}`] = (outcomes[`shared ${label}`] ?? 0) + 1;
      }
      if (real.ok && history.includes(op)) outcomes['replay ok'] = (outcomes['replay ok'] ?? 0) + 1;
      if (expected.ok || !expected.message) {
        expect({ ...real, message: undefined }, where).toEqual({ ...expected, message: undefined });
      } else {
        expect(real, where).toEqual(expected);
      }
      if (real.ok && op.kind === 'reserve' && !reservations.includes(real.result))
        reservations.push(real.result);
      if (op.kind !== 'expire') history.push(op);
      expect(await readState(s.tx, parties, model), where).toEqual(model.snapshot());
    }
    await s.tx`set constraints all immediate`;
    expect(
      await ledgerViolations(
        s.tx,
        parties.map((p) => p.identity),
      ),
    ).toEqual([]);
  });
  return outcomes;
}

/** Fixed seeds whose runs together reach every operation and refusal (checked below). */
const BASELINE_SEEDS = [20261200];

describe('ledger against the reference model', () => {
  it('exercises every operation and refusal on the baseline seeds', async () => {
    const outcomes: Record<string, number> = {};
    for (const seed of BASELINE_SEEDS) {
      const got = await checkSeed(seed);
      for (const [label, n] of Object.entries(got)) outcomes[label] = (outcomes[label] ?? 0) + n;
    }
    for (const label of [
      'credit ok',
      'debit ok',
      'debit P0001',
      'reserve ok',
      'reserve P0001',
      'commit ok',
      'commit 55000',
      'commit 22023',
      'release ok',
      'expire ok',
      'transfer ok',
      'transfer 22023',
      'debit 22023',
      'credit 22023',
      'commit P0002',
      'replay ok',
      'shared debit ok',
      'shared reserve ok',
      'shared reserve P0001',
    ]) {
      expect(outcomes[label] ?? 0, label).toBeGreaterThan(0);
    }
  });

  // fresh seeds every run; a failing one names its seed, to be pinned above as its own test
  const seeds = Array.from(crypto.getRandomValues(new Uint32Array(RANDOM_SEEDS)));
  for (const seed of seeds) {
    it(`matches the model for random seed ${seed}`, async () => {
      await checkSeed(seed);
    });
  }
});
