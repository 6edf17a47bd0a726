import type { Clock, StageRecord } from './types.ts';

/** Times pipeline stages in order; each stage's record lands on the execution row and the audit trail. */
export class StageRecorder {
  readonly stages: StageRecord[] = [];
  private mark: number;

  constructor(private readonly clock: Clock) {
    this.mark = clock.monotonic();
  }

  /** Closes the current stage: its time runs from the previous mark to now. */
  done(stage: string, detail?: Record<string, unknown>, ok = true): StageRecord {
    const now = this.clock.monotonic();
    const record: StageRecord = {
      stage,
      ms: Math.round((now - this.mark) * 1000) / 1000,
      ok,
      ...(detail ? { detail } : {}),
    };
    this.mark = now;
    this.stages.push(record);
    return record;
  }

  /** Appends stages timed elsewhere (by the database, where their work ran); the next stage starts now. */
  append(records: readonly StageRecord[]): void {
    this.stages.push(...records);
    this.mark = this.clock.monotonic();
  }
}
