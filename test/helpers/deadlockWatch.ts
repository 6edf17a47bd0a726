import type { Sql } from 'postgres';

/**
 * Postgres' deadlock detector for runs under Debian's `faketime` (`npm run test:clock-shift`).
 * There the detector never runs: Postgres arms its `deadlock_timeout` with `setitimer`, and under
 * libfaketime the alarm does not end the lock wait (measured: two transactions that each update the
 * other's row still wait after 15 s, where Postgres alone aborts one with 40P01 after 1 s). A
 * deadlock would then hang every test that touches those rows until it times out, naming none of
 * them. This watch does the detector's job from outside: every `everyMs` it reads who waits for
 * whom (`pg_blocking_pids`), and a cycle seen on two reads in a row is printed with each backend's
 * statement and broken by cancelling one of its statements, so the test that deadlocked fails with
 * an error at once. Returns the stop function.
 */
export function watchDeadlocks(
  sql: Sql,
  everyMs = 1_000,
  log = (line: string) => console.error(line),
): () => void {
  let seen = '';
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void detect(sql)
      .then(async (cycle) => {
        const key = cycle ? cycle.map((b) => b.pid).join(',') : '';
        if (!cycle || key !== seen) {
          seen = key;
          return;
        }
        seen = '';
        log(
          'deadlock watch (Postgres under faketime detects none): a lock cycle between backends\n' +
            cycle.map((b) => `  ${b.pid} waits for ${b.blockers.join(', ')}: ${b.query}`).join('\n') +
            `\n  cancelling the statement of backend ${cycle[0]!.pid}`,
        );
        await sql`select pg_cancel_backend(${cycle[0]!.pid})`;
      })
      .catch(() => {})
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

interface Waiter {
  pid: number;
  blockers: number[];
  query: string;
}

/** A cycle in the wait-for graph of backends waiting for a lock, or null. */
async function detect(sql: Sql): Promise<Waiter[] | null> {
  const rows = await sql<Waiter[]>`
    select pid, pg_blocking_pids(pid) as blockers, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 200) as query
    from pg_stat_activity where wait_event_type = 'Lock' order by pid`;
  const waiting = new Map(rows.map((r) => [r.pid, r]));
  for (const start of rows) {
    const path: Waiter[] = [];
    const onPath = new Set<number>();
    let at: Waiter | undefined = start;
    while (at && !onPath.has(at.pid)) {
      path.push(at);
      onPath.add(at.pid);
      at = at.blockers.map((pid) => waiting.get(pid)).find((w) => w !== undefined);
    }
    if (at) return path.slice(path.findIndex((w) => w.pid === at.pid));
  }
  return null;
}
