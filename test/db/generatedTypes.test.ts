import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { generateTypes, TYPES_FILE } from '../../server/db/generateTypes.ts';

describe('shared/database.types.ts', () => {
  it('matches what the Supabase CLI generates from the migrated schema (run `npm run db:types` when stale)', async () => {
    const fresh = await generateTypes(inject('databaseUrl'));
    const committed = await readFile(TYPES_FILE, 'utf8');
    expect(committed === fresh, 'generated types are stale: run `npm run db:types`').toBe(true);
  });
});
