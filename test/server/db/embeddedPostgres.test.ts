import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EmbeddedPostgresError,
  freePort,
  isPortTaken,
  startEmbeddedPostgres,
} from '../../../server/db/embeddedPostgres.ts';

async function refusal(promise: Promise<unknown>): Promise<EmbeddedPostgresError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) return error;
    throw error;
  }
  throw new Error('expected an EmbeddedPostgresError');
}

describe('startEmbeddedPostgres', () => {
  it('refuses a port that is taken, naming the port and the variable to change', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect(await isPortTaken(port)).toBe(true);
      const error = await refusal(
        startEmbeddedPostgres({ dataDir: path.join(os.tmpdir(), 'never-used'), port }),
      );
      expect(error.code).toBe('port_in_use');
      expect(error.message).toContain(String(port));
      expect(error.message).toContain('CHENU_PG_PORT');
    } finally {
      server.close();
    }
  });

  it('refuses a data dir from another PostgreSQL major', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-major-'));
    try {
      await mkdir(path.join(dir, 'pg'));
      await writeFile(path.join(dir, 'pg', 'PG_VERSION'), '16\n');
      const error = await refusal(
        startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() }),
      );
      expect(error.code).toBe('wrong_major');
      expect(error.message).toMatch(/PostgreSQL 16 cluster.*PostgreSQL 17/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
