/**
 * The clock-shift run's deadlock watch (test/helpers/deadlockWatch.ts), on a real lock cycle:
 * Postgres' own detector is held off (a 60 s deadlock_timeout on both sides, as under faketime
 * where it never fires), two transactions each hold an advisory lock the other asks for, and the
 * watch must name both backends and cancel one statement, so the other goes through.
 */
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { watchDeadlocks } from '../helpers/deadlockWatch.ts';

const { sql } = useDatabase(3);

describe('deadlock watch', () => {
  it('breaks a lock cycle Postgres does not detect, naming both backends', async () => {
    const lines: string[] = [];
    const stop = watchDeadlocks(sql, 100, (line) => lines.push(line));
    const held: Promise<void>[] = [];
    const release: (() => void)[] = [];
    for (let i = 0; i < 2; i += 1) held.push(new Promise((r) => release.push(r)));
    const pids: number[] = [];
    const side = (mine: number, theirs: number) =>
      sql.begin(async (tx) => {
        await tx`set local deadlock_timeout = '60s'`;
        pids.push((await tx`select pg_backend_pid() as pid`)[0]!.pid as number);
        await tx`select pg_advisory_xact_lock(${7_700_000 + mine})`;
        release[mine]!();
        await held[theirs];
        await tx`select pg_advisory_xact_lock(${7_700_000 + theirs})`;
        return 'done';
      });
    try {
      const outcomes = await Promise.allSettled([side(0, 1), side(1, 0)]);
      const codes = outcomes.map((o) =>
        o.status === 'rejected' ? (o.reason as { code?: string }).code : o.value,
      );
      expect(codes.sort()).toEqual(['57014', 'done']);
      expect(lines).toHaveLength(1);
      for (const pid of pids) expect(lines[0]).toContain(`${pid} waits for`);
    } finally {
      stop();
    }
  });
});
