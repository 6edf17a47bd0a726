/** `npm run db:types`: regenerates shared/database.types.ts from the migrated database. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from '../env.ts';
import { generateTypes, TYPES_FILE } from '../db/generateTypes.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/openDatabase.ts';

async function main(): Promise<void> {
  const db = await openDatabase(parseEnv(), (l) => console.log(l));
  try {
    await migrate(db.sql, path.resolve('supabase'), (l) => console.log(l));
    await writeFile(TYPES_FILE, await generateTypes(db.url));
    console.log(`types: wrote ${path.relative(process.cwd(), TYPES_FILE)}`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
