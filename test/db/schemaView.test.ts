import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generateSchemaView,
  readSchemaView,
  SCHEMA_VIEW_DIR,
  schemaViewDiff,
} from '../../server/db/generateSchemaView.ts';
import { useDatabase } from '../helpers/db.ts';

const { sql } = useDatabase(1);

describe('supabase/schema (the current SQL, readable)', () => {
  it('matches the functions, tables and views of the migrated database (run `npm run db:schema` when stale)', async () => {
    const fresh = await generateSchemaView(sql, path.resolve('supabase'));
    const committed = await readSchemaView(path.resolve(SCHEMA_VIEW_DIR));
    expect(fresh.size).toBeGreaterThan(100);
    expect(schemaViewDiff(committed, fresh), 'schema view is stale: run `npm run db:schema`').toEqual([]);
  });

  it('shows the ledger reservation in force, with its why paragraph, in one file', async () => {
    const committed = await readSchemaView(path.resolve(SCHEMA_VIEW_DIR));
    const reserve = committed.get('functions/private/ledger_reserve.sql') ?? '';
    expect(reserve).toMatch(/^CREATE OR REPLACE FUNCTION private\.ledger_reserve\(/m);
    expect(reserve).toMatch(/^-- Last defined in supabase\/migrations\/\d{14}_\w+\.sql\.$/m);
    expect(reserve).toMatch(/^\/\*\*/m);
    // policies built by dynamic SQL are readable per table
    expect(committed.get('tables/public/spatial_objects.sql')).toMatch(
      /^create policy "[^"]+" on public\.spatial_objects$/m,
    );
  });
});

describe('schemaViewDiff', () => {
  it('names added, removed and changed files', () => {
    const a = new Map([
      ['x.sql', '1'],
      ['y.sql', '2'],
    ]);
    const b = new Map([
      ['y.sql', '3'],
      ['z.sql', '4'],
    ]);
    expect(schemaViewDiff(a, b)).toEqual(['x.sql', 'y.sql', 'z.sql']);
    expect(schemaViewDiff(a, new Map(a))).toEqual([]);
  });
});
