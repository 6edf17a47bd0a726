/**
 * `npm run db:migrate` | `db:reset` | `db:seed`: the database commands, on DATABASE_URL or the
 * embedded Postgres. Usage errors and failures print one clear line and exit non-zero.
 */
import path from 'node:path';
import { isLocalDemo, parseEnv } from '../env.ts';
import { dropAll, migrate, seed } from '../db/migrate.ts';
import { openDatabase } from '../db/openDatabase.ts';

const COMMANDS = ['migrate', 'reset', 'seed'] as const;
type Command = (typeof COMMANDS)[number];

function isCommand(value: string | undefined): value is Command {
  return (COMMANDS as readonly string[]).includes(value ?? '');
}

async function main(): Promise<void> {
  const command = process.argv[2];
  if (!isCommand(command)) {
    console.error(`usage: db <${COMMANDS.join('|')}>  (got ${command ?? 'nothing'})`);
    process.exit(2);
  }
  const env = parseEnv();
  if (command !== 'migrate' && !isLocalDemo(env)) {
    console.error(
      `CHE·NU: refusing db:${command}: it loads the demo users (README passwords) into DATABASE_URL; ` +
        'set CHENU_LOCAL_DEMO=true if this database is a local throwaway.',
    );
    process.exit(2);
  }
  const supabaseDir = path.resolve('supabase');
  const log = (line: string) => console.log(line);
  const db = await openDatabase(env, log);
  try {
    if (command === 'reset') await dropAll(db.sql, log);
    if (command !== 'seed') {
      const result = await migrate(db.sql, supabaseDir, log);
      log(`migrate: ${result.applied.length} applied, ${result.skipped} already up to date`);
    }
    if (command !== 'migrate') await seed(db.sql, supabaseDir, log);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
