/**
 * API benchmark: requests/s and p50/p99 of a list endpoint under RLS (GET /functions/v1/threads,
 * 50 newest of 500 threads, as a signed-in user through withUser) against a bare Hono route in the
 * same Deno process (/functions/v1/bench-bare), and a governed write (POST /agents/{id}/execute: the
 * whole pipeline, a fresh Idempotency-Key per run), all through the gateway in the same run, on a
 * throwaway embedded Postgres with the migrations and seed. Loopback only, bounded request counts.
 * Run: `npm run bench:api`. Target: the RLS list reaches >= 0.3 of the bare route's requests/s.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@supabase/supabase-js';
import { connect } from '../../server/db/connect.ts';
import { freePort, startEmbeddedPostgres } from '../../server/db/embeddedPostgres.ts';
import { migrate, seed } from '../../server/db/migrate.ts';
import { parseEnv } from '../../server/env.ts';
import { startApi } from '../../server/gateway/startApi.ts';

const CONCURRENCY = 8;
const WARMUP = 200;
const REQUESTS = 3000;
const GOVERNED_REQUESTS = 300;
const TARGET_RATIO = 0.3;

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

type Request = { url: string; init?: RequestInit };

/** `total` requests with `CONCURRENCY` in flight; every answer must be 200. */
async function load(name: string, request: (i: number) => Request, total: number): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const { url, init } = request(next++);
      const t0 = performance.now();
      const res = await fetch(url, init);
      const body = await res.arrayBuffer();
      if (res.status !== 200) {
        throw new Error(`${name}: HTTP ${res.status} ${new TextDecoder().decode(body).slice(0, 300)}`);
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { name, rps: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-bench-api-'));
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    persistent: false,
  });
  const sql = connect(db.url);
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    await migrate(sql, path.resolve('supabase'));
    await seed(sql, path.resolve('supabase'));
    // 500 threads in Alice's personal dataspace, 2000 in other identities' (filtered out by RLS)
    await sql`insert into public.threads (identity_id, dataspace_id, title, created_at)
              select 'a1000000-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000300000001',
                     'Fil ' || g, now() - g * interval '1 minute'
              from generate_series(1, 500) g`;
    await sql`insert into public.threads (identity_id, dataspace_id, title)
              select o.id, o.ds, 'Autre ' || g from generate_series(1, 500) g,
              (values ('a2000000-0000-4000-8000-000000000000'::uuid, 'a2000000-0000-4000-8000-000300000001'::uuid),
                      ('b1000000-0000-4000-8000-000000000000', 'b1000000-0000-4000-8000-000300000001'),
                      ('b2000000-0000-4000-8000-000000000000', 'b2000000-0000-4000-8000-000300000001')) o(id, ds)`;
    api = await startApi({
      sql,
      databaseUrl: db.url,
      env: { ...parseEnv({ CHENU_DATA_DIR: dir }), CHENU_HTTP_PORT: 0 },
      log: () => {},
    });
    const sb = createClient(api.url, api.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
    });
    const { data, error } = await sb.auth.signInWithPassword({
      email: 'alice@chenu.local',
      password: 'chenu-demo-password',
    });
    if (error) throw error;
    const headers = { authorization: `Bearer ${data.session!.access_token}`, apikey: api.anonKey };
    const list = `${api.url}/functions/v1/threads?limit=50`;
    const bare = `${api.url}/functions/v1/bench-bare`;
    const check = await (await fetch(list, { headers })).json();
    if (check.data.length !== 50) throw new Error('bench: expected a full page of 50 threads');
    const get = (url: string) => () => ({ url, init: { headers } });
    // the governed write: one summarizer run per request, each with its own Idempotency-Key
    await sql`select private.ledger_credit('a1000000-0000-4000-8000-000000000000', 100000000, 'bench-credit', 'manual', null)`;
    // a dataspace and thread without budgets of their own (the seeded dataspace's monthly budget would
    // refuse a few hundred runs), so runs are limited by the balance only
    const [benchThread] = await sql<{ id: string }[]>`
      with ds as (
        insert into public.dataspaces (identity_id, user_id, sphere_id, name)
        values ('a1000000-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000000',
                'a1000000-0000-4000-8000-000100000001', 'Banc d''essai')
        returning id)
      insert into public.threads (identity_id, dataspace_id, title)
      select 'a1000000-0000-4000-8000-000000000000', ds.id, 'Banc d''essai' from ds
      returning id`;
    const execute = (i: number): Request => ({
      url: `${api!.url}/functions/v1/agents/c0000000-0000-4000-8000-022000000001/execute`,
      init: {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': `bench-${i}` },
        body: JSON.stringify({
          intentText: "Peux-tu résumer le fil sur les armoires, en liste à puces s'il te plaît ?",
          threadId: benchThread!.id,
        }),
      },
    });
    await load('warm-up bare', get(bare), WARMUP);
    await load('warm-up list', get(list), WARMUP);
    const results = [
      await load('bare Hono route (same Deno process)', get(bare), REQUESTS),
      await load('GET /threads?limit=50 under RLS', get(list), REQUESTS),
      await load('POST /agents/{id}/execute (governed)', (i) => execute(i), GOVERNED_REQUESTS),
    ];
    console.log(
      `\n${REQUESTS} requests per read, ${GOVERNED_REQUESTS} governed runs, ${CONCURRENCY} in flight, through the gateway on loopback\n`,
    );
    for (const r of results) {
      console.log(
        `${r.name.padEnd(40)} ${r.rps.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms`,
      );
    }
    const ratio = results[1]!.rps / results[0]!.rps;
    console.log(`\nRLS list / bare route requests/s: ${ratio.toFixed(2)} (target >= ${TARGET_RATIO})`);
    console.log(`governed write / bare route requests/s: ${(results[2]!.rps / results[0]!.rps).toFixed(3)}`);
    if (ratio < TARGET_RATIO) process.exitCode = 1;
  } finally {
    await api?.stop();
    await sql.end({ timeout: 5 });
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
