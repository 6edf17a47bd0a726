/** `npm run db:api-schemas`: regenerates shared/api/tables.generated.ts from the migrated database. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { format } from 'prettier';
import { parseEnv } from '../env.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/openDatabase.ts';
import { API_SCHEMAS_FILE, generateApiSchemas } from './generateApiSchemas.ts';

/** The generated module, formatted with the repo's prettier settings. */
export async function formattedApiSchemas(sql: Parameters<typeof generateApiSchemas>[0]): Promise<string> {
  return format(await generateApiSchemas(sql), {
    parser: 'typescript',
    singleQuote: true,
    printWidth: 110,
    trailingComma: 'all',
  });
}

async function main(): Promise<void> {
  const db = await openDatabase(parseEnv(), (l) => console.log(l));
  try {
    await migrate(db.sql, path.resolve('supabase'), (l) => console.log(l));
    await writeFile(path.resolve(API_SCHEMAS_FILE), await formattedApiSchemas(db.sql));
    console.log(`api schemas: wrote ${API_SCHEMAS_FILE}`);
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
