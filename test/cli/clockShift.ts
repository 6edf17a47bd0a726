/**
 * `npm run test:clock-shift`: the database, ledger, pipeline and API suites (with Nova and the
 * `.chenu` artifacts) run again with the clock moved far from today and onto calendar boundaries,
 * through Debian's `faketime`, which shifts Node, the Deno functions and the Postgres they spawn
 * together. Each run starts 30 s before a boundary, so the seed is loaded on one side of it and the
 * suites run on the other. `.ci/run` runs it after `npm run check`. Postgres detects no deadlock
 * under faketime: the tests' global setup then runs test/helpers/deadlockWatch.ts.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const SUITES = ['test/db', 'test/ledger', 'test/pipeline', 'test/api', 'test/nova', 'test/chenu'];

/** Where the clock starts (faketime's local wall time) and in which time zone. */
const RUNS: { at: string; tz?: string; what: string }[] = [
  { at: '2027-01-31 23:59:30', what: 'the last 30 s of a month, in the machine time zone' },
  { at: '2027-01-31 23:59:30', tz: 'America/Montreal', what: 'the last 30 s of a month in Montréal' },
  { at: '2027-03-14 02:30:00', what: 'the night of a DST change, in the machine time zone' },
  { at: '2027-03-14 01:59:30', tz: 'America/Montreal', what: "30 s before Montréal's spring-forward jump" },
];

const vitest = path.resolve('node_modules/vitest/vitest.mjs');
for (const run of RUNS) {
  const label = `faketime '${run.at}'${run.tz ? ` TZ=${run.tz}` : ''} (${run.what})`;
  console.log(`\nclock-shift: ${label}`);
  const started = Date.now();
  const result = spawnSync('faketime', [run.at, process.execPath, vitest, 'run', ...SUITES], {
    stdio: 'inherit',
    env: { ...process.env, ...(run.tz ? { TZ: run.tz } : {}) },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (result.status !== 0) {
    console.error(`clock-shift: FAILED under ${label} after ${seconds} s`);
    process.exit(result.status ?? 1);
  }
  console.log(`clock-shift: passed under ${label} in ${seconds} s`);
}
