/**
 * `npm start`: the whole local product on its embedded default. Prints each step and the URLs;
 * Ctrl-C / SIGTERM stop everything cleanly (HTTP server, pool, embedded Postgres).
 */
import type { Server } from 'node:http';
import path from 'node:path';
import { parseEnv } from '../env.ts';
import { isEmpty, migrate, seed } from '../db/migrate.ts';
import { openDatabase, type OpenDatabase } from '../db/openDatabase.ts';
import { startHealthServer } from '../http/healthServer.ts';

const step = (n: number, text: string) => console.log(`[${n}/4] ${text}`);
const log = (line: string) => console.log(`      ${line}`);

async function main(): Promise<void> {
  const env = parseEnv();
  const supabaseDir = path.resolve('supabase');
  const running: { db?: OpenDatabase; server?: Server } = {};
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    const { db, server } = running;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await db?.close();
    console.log('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  step(1, 'database');
  const db = (running.db = await openDatabase(env, log));
  step(2, 'migrations');
  const result = await migrate(db.sql, supabaseDir, log);
  log(`${result.applied.length} applied, ${result.skipped} already up to date`);
  step(3, 'seed');
  if (env.CHENU_SEED && (await isEmpty(db.sql))) {
    await seed(db.sql, supabaseDir, log);
    log('logins: alice@chenu.local / chenu-demo-password, bob@chenu.local / chenu-demo-password');
  } else {
    log(env.CHENU_SEED ? 'database already has data: seed skipped' : 'CHENU_SEED=false: seed skipped');
  }
  step(4, 'http');
  running.server = await startHealthServer(db.sql, env.CHENU_HTTP_PORT);
  console.log('\nCHE·NU Spatial is running:');
  console.log(`  health    http://127.0.0.1:${env.CHENU_HTTP_PORT}/health`);
  console.log(`  postgres  ${db.embedded ? db.url : '(DATABASE_URL)'}`);
  console.log('Press Ctrl-C to stop.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
