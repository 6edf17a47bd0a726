import { inject } from 'vitest';

/**
 * The instant the run's seed was loaded. The seed places its rows relative to that instant (budget
 * periods, plan periods, spending history), so a test asserting seeded per-period figures pins the
 * ledger's clock to it (`Scenario.pinClock(seedClock())`) and holds on any day, even when the run
 * crosses midnight or the end of a month after the seed was loaded.
 */
export function seedClock(): string {
  return inject('seedClock');
}
