import type { Sql } from 'postgres';

/** The timer functions the sweeper uses (globalThis by default; tests pass their own). */
export interface SweeperTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** What one sweep did. */
export interface SweepResult {
  /** Open reservations past their expiry that were voided (their holds returned). */
  expired: number;
  /** Plan grants made (subscription periods credited). */
  granted: number;
  /** Subscriptions whose period ended: moved to the next (on a changed plan) or ended (cancelled). */
  renewed: number;
}

export interface LedgerSweeperOptions {
  /** A pool connecting as the owner or service role (the ledger functions are service-only). */
  sql: Sql;
  /** Time between sweeps. */
  intervalMs?: number;
  /** Sweep once right away, before the first interval (default true). */
  immediate?: boolean;
  timers?: SweeperTimers;
  /** Called after every sweep. */
  onSweep?: (result: SweepResult) => void;
  /** Called when a sweep fails; the sweeper keeps running. */
  onError?: (error: unknown) => void;
}

export interface LedgerSweeper {
  /** Runs a sweep now, or joins the one in flight (sweeps never overlap). */
  sweepNow(): Promise<SweepResult>;
  /** Stops the interval and waits for a sweep in flight. Idempotent. */
  dispose(): Promise<void>;
}

export const LEDGER_SWEEP_INTERVAL_MS = 30_000;

/**
 * The server's ledger job: on an interval, voids expired reservations (private.ledger_expire_sweep),
 * ends subscription periods that are over (private.renew_subscriptions: the next period on the plan
 * a change named, or the end of a cancelled subscription) and grants periods that began
 * (private.ledger_grant_plans). Each is one statement
 * in its own transaction; both are safe to run concurrently with themselves and with spending, so
 * several server processes may each run one.
 */
export function startLedgerSweeper(options: LedgerSweeperOptions): LedgerSweeper {
  const { sql, onSweep, onError } = options;
  const timers = options.timers ?? globalThis;
  let inFlight: Promise<SweepResult> | null = null;
  let disposed = false;

  const sweep = async (): Promise<SweepResult> => {
    const [e] = await sql<{ n: number }[]>`select private.ledger_expire_sweep() as n`;
    // periods that ended move on first (plan changes and cancellations apply there), then grants
    const [r] = await sql<{ n: number }[]>`select private.renew_subscriptions() as n`;
    const [g] = await sql<{ n: number }[]>`select private.ledger_grant_plans() as n`;
    return { expired: e!.n, granted: g!.n, renewed: r!.n };
  };
  const sweepNow = (): Promise<SweepResult> => {
    inFlight ??= sweep()
      .then((result) => {
        onSweep?.(result);
        return result;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
  const tick = () => {
    if (disposed || inFlight) return;
    sweepNow().catch((error: unknown) => onError?.(error));
  };

  const handle = timers.setInterval(tick, options.intervalMs ?? LEDGER_SWEEP_INTERVAL_MS);
  if (options.immediate ?? true) tick();
  return {
    sweepNow,
    async dispose() {
      if (disposed) return;
      disposed = true;
      timers.clearInterval(handle);
      await inFlight?.catch(() => undefined);
    },
  };
}
