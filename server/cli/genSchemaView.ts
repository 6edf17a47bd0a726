/** `npm run db:schema`: regenerates supabase/schema/ (the current SQL, readable) from the migrated database. */
import path from 'node:path';
import { parseEnv } from '../env.ts';
import { generateSchemaView, SCHEMA_VIEW_DIR, writeSchemaView } from '../db/generateSchemaView.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/openDatabase.ts';

async function main(): Promise<void> {
  const db = await openDatabase(parseEnv(), (l) => console.log(l));
  try {
    await migrate(db.sql, path.resolve('supabase'), (l) => console.log(l));
    const view = await generateSchemaView(db.sql, path.resolve('supabase'));
    await writeSchemaView(path.resolve(SCHEMA_VIEW_DIR), view);
    console.log(`schema view: wrote ${view.size} files under ${SCHEMA_VIEW_DIR}/`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
