import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_SCHEMAS_FILE } from '../../server/gateway/generateApiSchemas.ts';
import { formattedApiSchemas } from '../../server/gateway/genApiSchemasCli.ts';
import { useDatabase } from '../helpers/db.ts';

const { sql } = useDatabase(1);

describe('shared/api/tables.generated.ts', () => {
  it('matches the schemas generated from the migrated database (run `npm run db:api-schemas` when stale)', async () => {
    const fresh = await formattedApiSchemas(sql);
    const committed = await readFile(path.resolve(API_SCHEMAS_FILE), 'utf8');
    expect(committed === fresh, 'API schemas are stale: run `npm run db:api-schemas`').toBe(true);
  });
});
