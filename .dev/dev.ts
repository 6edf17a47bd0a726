import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { connect } from '../server/db/connect.ts';
import { startEmbeddedPostgres, binaries } from '../server/db/embeddedPostgres.ts';
import { dropAll, migrate, seed } from '../server/db/migrate.ts';
import { ensureSystemAccounts } from '../server/ledger/systemAccounts.ts';

const PORT = 55432;
const DIR = '/tmp/share-dev/pg';
const URL = `postgres://postgres:postgres@127.0.0.1:${PORT}/postgres`;
const cmd = process.argv[2];
if (cmd === 'start') {
  const db = await startEmbeddedPostgres({ dataDir: DIR, port: PORT, persistent: true, detached: true });
  console.log(db.url);
  process.exit(0);
} else if (cmd === 'stop') {
  const { pg_ctl } = await binaries();
  execFileSync('su', ['postgres', '-c', `${pg_ctl} stop -D ${DIR} -m fast`], { stdio: 'inherit' });
} else if (cmd === 'reset') {
  const sql = connect(process.env.DEV_URL ?? URL, { max: 1 });
  await dropAll(sql, () => {});
  await migrate(sql, path.resolve('supabase'), (l) => console.log(l));
  await seed(sql, path.resolve('supabase'));
  await ensureSystemAccounts(sql);
  await sql.end();
}
