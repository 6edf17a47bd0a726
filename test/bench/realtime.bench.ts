/**
 * `npm run bench:realtime`: capacity of one SpatialRoom vs a bare Colyseus room on this machine, in a
 * sparse room (AREAS_M[0]: avatars spread over a 40 m square, few in each other's near radius) and a
 * dense one (6 m: everyone near everyone, as in a meeting). `npm run bench:realtime -- dense` (or
 * `sparse`) runs one of them; `-- encode` prints only the encode table. Each starts with the
 * in-process encode cost per patch (encodeCost.ts): the room's CellInterest pinned to per-client
 * views, pinned to interest cells, and on `auto` (what SpatialRoom runs), against the better of the two.
 * A throwaway embedded Postgres (migrations + seed) and the realtime server run here; each step
 * spawns test/bench/realtimeLoad.ts (a separate process) with N clients sending head + hands at
 * 20 Hz. For each room the ladder stops at the first N whose probe p99 self-echo is >= 100 ms;
 * the largest N below is its capacity (a failing step is retried once: the machine is shared). Prints p50/p99, server CPU (the whole step, and the measured window alone), downlink per client, the ratio.
 * Bounded: at most LADDER.length steps of WARMUP_MS + MEASURE_MS per room; loopback only.
 * `-- dense profile=400` runs only the step N=400 of each room (once), with the server's CPU profile
 * (cpuProfile.ts) written under the OS temp dir and its top self-time functions printed.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { connect } from '../../server/db/connect.ts';
import { freePort, startEmbeddedPostgres } from '../../server/db/embeddedPostgres.ts';
import { migrate, seed } from '../../server/db/migrate.ts';
import { parseEnv } from '../../server/env.ts';
import { createRealtimeServer } from '../../server/realtime/createRealtimeServer.ts';
import { BareRoom } from './BareRoom.ts';
import { startCpuProfile, topSelf } from './cpuProfile.ts';
import { encodeCost } from './encodeCost.ts';

type EncodeResult = ReturnType<typeof encodeCost>;

/**
 * Room sizes tried, in steps of 50 up to 600 (a capacity is known to within 50 where the two rooms'
 * capacities lie: with steps of 100 there, the ratio could only read 0.67, 0.75 or 0.8).
 */
const LADDER = [50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600, 800];
const PROBES = 4;
const WARMUP_MS = 2500;
const MEASURE_MS = 5000;
const P99_LIMIT_MS = 100;
const ATTEMPTS = 2;
/** Sides of the square the avatars stand in: sparse, then dense. */
const AREAS_M = { sparse: 40, dense: 6 } as const;
/** Room sizes of the in-process encode comparison. */
const ENCODE_SIZES = [100, 250, 400];
/** Targets of the dense room (issue 15): capacity and ratio to the bare room. */
const DENSE_TARGET = { avatars: 250, ratio: 0.8 } as const;
const A1 = 'a1000000-0000-4000-8000-000000000000';
const ALICE = 'a0000000-0000-4000-8000-000000000000';

interface Step {
  n: number;
  p50: number;
  p99: number;
  serverCpu: number;
  /** Server CPU over the load generator's measured window only (the steady state, joins excluded). */
  windowCpu: number;
  loadCpu: number;
  probeDownlinkBps: number;
  samples: number;
}

/** What the bench does when the load generator starts and ends its measured window. */
interface Window {
  start(): Promise<void> | void;
  end(): Promise<void> | void;
}

function runLoad(
  spec: Record<string, unknown>,
  window?: Window,
): Promise<Omit<Step, 'n' | 'serverCpu' | 'windowCpu'>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.resolve('node_modules/.bin/tsx'),
      ['test/bench/realtimeLoad.ts', JSON.stringify(spec)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    let pending = Promise.resolve();
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      if (window && text.includes('measure-start')) pending = pending.then(() => window.start());
      if (window && text.includes('measure-end')) pending = pending.then(() => window.end());
      out += text;
    });
    child.once('exit', async (code) => {
      await pending.catch(() => undefined);
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line));
      else reject(new Error(`load generator failed (${code}): ${out}`));
    });
  });
}

async function main(): Promise<void> {
  const env = parseEnv();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-bench-rt-'));
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    persistent: false,
  });
  const sql = connect(db.url, { max: 8 });
  try {
    await migrate(sql, path.resolve('supabase'));
    await seed(sql, path.resolve('supabase'));
    const rt = await createRealtimeServer({ sql, jwtSecret: env.CHENU_JWT_SECRET, log: () => {} });
    rt.server.define('bare', BareRoom);
    const port = await freePort();
    await rt.listen(port);
    const token = await new SignJWT({ role: 'authenticated', aud: 'authenticated', identity_id: A1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(ALICE)
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(env.CHENU_JWT_SECRET));

    const which = process.argv.slice(2);
    const profileArg = which.find((w) => w.startsWith('profile='));
    const profileN = profileArg ? Number(profileArg.slice('profile='.length)) : undefined;
    const ladder = async (room: 'spatial' | 'bare', areaM: number): Promise<Step[]> => {
      const steps: Step[] = [];
      for (const n of profileN ? [profileN] : LADDER) {
        // a fresh dataspace (and room) per step, sized for the step
        const [ds] = await sql<{ id: string }[]>`
          insert into public.dataspaces (identity_id, user_id, sphere_id, name, kind)
          values (${A1}, ${ALICE}, 'a1000000-0000-4000-8000-000100000001', ${`Bench ${room} ${areaM} m ${n}`}, 'project')
          returning id`;
        await sql`insert into public.xr_rooms (identity_id, dataspace_id, name, kind, capacity)
                  values (${A1}, ${ds!.id}, 'Bench', 'dataspace', 500)`;
        // this machine is shared: a failing step is measured once more, the better attempt counts
        let step: Step | undefined;
        const attempts = profileN ? 1 : ATTEMPTS;
        for (let attempt = 0; attempt < attempts && !(step && step.p99 < P99_LIMIT_MS); attempt += 1) {
          const profileFile = path.join(os.tmpdir(), `chenu-bench-${room}-${areaM}m-${n}.cpuprofile`);
          let stopProfile: (() => Promise<void>) | undefined;
          let windowStart: { cpu: NodeJS.CpuUsage; at: number } | undefined;
          let windowCpu = NaN;
          const measured: Window = {
            start: async () => {
              if (profileN) {
                const stop = await startCpuProfile(profileFile);
                stopProfile = async () => {
                  const profile = await stop();
                  console.log(
                    `CPU profile of the server, ${room} ${areaM} m N=${n}, measured window: ${profileFile}`,
                  );
                  for (const line of topSelf(profile)) console.log(`  ${line}`);
                };
              }
              windowStart = { cpu: process.cpuUsage(), at: performance.now() };
            },
            end: async () => {
              if (windowStart) {
                const used = process.cpuUsage(windowStart.cpu);
                windowCpu = (used.user + used.system) / 1000 / (performance.now() - windowStart.at);
              }
              await stopProfile?.();
            },
          };
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          const load = await runLoad(
            {
              url: `ws://127.0.0.1:${port}`,
              room,
              options: room === 'spatial' ? { dataspaceId: ds!.id } : { step: n, attempt, areaM },
              token,
              bots: n - PROBES,
              probes: PROBES,
              warmupMs: WARMUP_MS,
              measureMs: MEASURE_MS,
              seed: 1234 + n,
              areaM,
            },
            measured,
          );
          // server CPU over the whole step (join, warmup, measure): an upper bound of the steady state
          const cpu = process.cpuUsage(cpu0);
          const serverCpu = (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
          const attemptStep = { n, ...load, serverCpu, windowCpu };
          if (!step || attemptStep.p99 < step.p99) step = attemptStep;
        }
        const load = step!;
        steps.push(load);
        console.log(
          `${room.padEnd(7)} ${String(areaM).padStart(2)} m  N=${String(n).padStart(3)}  p50 ${String(load.p50).padStart(4)} ms  p99 ${String(load.p99).padStart(4)} ms  ` +
            `server CPU ${(load.serverCpu * 100).toFixed(0).padStart(3)}% (measured window ${(load.windowCpu * 100).toFixed(0).padStart(3)}%)  load CPU ${(load.loadCpu * 100).toFixed(0).padStart(3)}%  ` +
            `downlink/client ${(load.probeDownlinkBps / 1024).toFixed(1).padStart(6)} KB/s  (${load.samples} echoes)`,
        );
        if (!(load.p99 < P99_LIMIT_MS)) break;
      }
      return steps;
    };

    const encodeOnly = which.includes('encode');
    const named = which.filter((w) => w !== 'encode' && w !== profileArg);
    const areas = (Object.keys(AREAS_M) as (keyof typeof AREAS_M)[]).filter(
      (name) => named.length === 0 || named.includes(name),
    );
    const capacity = (steps: Step[]) =>
      Math.max(0, ...steps.filter((s) => s.p99 < P99_LIMIT_MS).map((s) => s.n));
    const summary: string[] = [];
    const encodeTable: string[] = [];
    for (const name of areas) {
      const areaM = AREAS_M[name];
      // what the views cost per patch, in process: apart from sockets and the machine's scheduling
      for (const n of profileN ? [] : ENCODE_SIZES) {
        const [perClient, cells, auto] = (['per-client', 'cells', 'auto'] as const).map((mode) =>
          encodeCost(n, areaM, mode),
        ) as [EncodeResult, EncodeResult, EncodeResult];
        const best = Math.min(perClient.msPerPatch, cells.msPerPatch);
        const line =
          `encode   ${String(areaM).padStart(2)} m  N=${String(n).padStart(3)}  CPU per patch: per-client views ${perClient.msPerPatch.toFixed(2)} ms ` +
          `(${perClient.views} views), interest cells ${cells.msPerPatch.toFixed(2)} ms (${cells.views} views), ` +
          `auto ${auto.msPerPatch.toFixed(2)} ms (${auto.mode}, ${auto.views} views) = ${(auto.msPerPatch / best).toFixed(2)}x the better`;
        console.log(line);
        encodeTable.push(line);
      }
      if (encodeOnly) continue;
      console.log(
        `bench:realtime (${name}) — ${PROBES} probes + bots, head+hands at 20 Hz, ${areaM} m square, p99 limit ${P99_LIMIT_MS} ms, ` +
          `load average ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`,
      );
      const spatial = await ladder('spatial', areaM);
      const bare = await ladder('bare', areaM);
      const [cs, cb] = [capacity(spatial), capacity(bare)];
      const ratio = cb > 0 ? cs / cb : NaN;
      const at100 = spatial.find((s) => s.n === 100);
      // a bare room still under the limit at the ladder's top has a capacity above it: the ratio is
      // then only an upper bound, and a target on it is undecided rather than met
      const bareTopped = cb === LADDER.at(-1);
      const meets = cs >= DENSE_TARGET.avatars && ratio >= DENSE_TARGET.ratio;
      summary.push(
        `${name} (${areaM} m): capacity (largest N with p99 < ${P99_LIMIT_MS} ms) SpatialRoom ${cs}, bare room ${cb}` +
          (bareTopped || cs === LADDER.at(-1) ? ' (ladder top reached)' : '') +
          `; ratio ${Number.isNaN(ratio) ? 'n/a' : `${bareTopped ? '<= ' : ''}${ratio.toFixed(2)}`}` +
          (name === 'dense'
            ? `   (target >= ${DENSE_TARGET.avatars} avatars and >= ${DENSE_TARGET.ratio.toFixed(2)}x: ` +
              `${!meets ? 'NOT met' : bareTopped ? 'undecided, the bare room reached the ladder top' : 'met'})`
            : `   (SpatialRoom >= 200 avatars: ${cs >= 200 ? 'yes' : 'no'})`) +
          (at100
            ? `; downlink per client at 100 avatars ${(at100.probeDownlinkBps / 1024).toFixed(1)} KB/s`
            : ''),
      );
      console.log('');
    }
    for (const line of encodeTable) console.log(line);
    for (const line of summary) console.log(line);
    console.log(
      `load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    await rt.stop();
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
