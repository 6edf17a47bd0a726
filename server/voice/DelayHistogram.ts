/** Bucket width of the forwarding-delay histogram. */
const BUCKET_MS = 0.05;
/** Delays past this land in the last bucket. */
const MAX_MS = 2_000;

/**
 * A fixed-bucket histogram of delays (50 µs steps up to 2 s): recording costs one increment, so the
 * SFU can time every forwarded packet without allocating.
 */
export class DelayHistogram {
  private readonly buckets = new Uint32Array(Math.ceil(MAX_MS / BUCKET_MS) + 1);
  count = 0;

  record(ms: number): void {
    const i = Math.min(this.buckets.length - 1, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.buckets[i]! += 1;
    this.count += 1;
  }

  /** The delay (ms, bucket upper edge) under which `p` percent of the recorded ones fall; 0 when empty. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i += 1) {
      seen += this.buckets[i]!;
      if (seen >= rank) return (i + 1) * BUCKET_MS;
    }
    return MAX_MS;
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
  }
}
