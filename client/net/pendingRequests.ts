import type { FeedResult } from '../state/RoomFeed.ts';
import { MAX_REQUEST_ID } from '../../shared/protocol/requestIds.ts';

/** A refused or unanswered request, whatever it would have resolved with. */
export type FeedFailure = Extract<FeedResult<never>, { ok: false }>;

/**
 * The requests a room connection is waiting on, by request id (`rid`, shared/protocol/requestIds.ts):
 * each gets the next id of the connection, which the room echoes in its reply and in any error
 * refusing it. A request settles once: with its reply, with the error naming its id, as superseded by
 * a later request under the same key, or with `whenLost` once `timeoutMs` passed without an answer
 * or the connection went away (`settleAll`). An answer naming no pending id (late, or after a drop)
 * settles nothing.
 *
 * `R` maps each request kind to the value its reply resolves with; a reply settles a request of
 * its own kind only.
 */
export interface PendingRequests<R extends Record<string, unknown>> {
  /**
   * Sends a request under a fresh id (`send` receives it) and resolves with its answer. With `key`,
   * an earlier request pending under the same key is settled as `superseded` first.
   */
  request<K extends keyof R>(
    kind: K,
    send: (rid: number) => void,
    options?: { key?: string; superseded?: FeedFailure },
  ): Promise<FeedResult<R[K]>>;
  /** Settles the pending request `rid` of `kind` with `result`; false when none is pending. */
  resolve<K extends keyof R>(kind: K, rid: number, result: FeedResult<R[K]>): boolean;
  /** Settles the pending request `rid` (of any kind) with a refusal; false when none is pending. */
  reject(rid: number, failure: FeedFailure): boolean;
  /** Settles every pending request with `failure` (the connection dropped or closed). */
  settleAll(failure: FeedFailure): void;
  /** How many requests are pending. */
  readonly size: number;
}

interface Entry {
  kind: PropertyKey;
  key: string | undefined;
  settle(result: FeedResult<unknown>): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Pending requests of one connection; `whenLost` answers a request left unanswered `timeoutMs`. */
export function createPendingRequests<R extends Record<string, unknown>>(options: {
  timeoutMs: number;
  whenLost: FeedFailure;
}): PendingRequests<R> {
  const pending = new Map<number, Entry>();
  const byKey = new Map<string, number>();
  let lastId = 0;

  const take = (rid: number): Entry | undefined => {
    const entry = pending.get(rid);
    if (!entry) return undefined;
    pending.delete(rid);
    if (entry.key !== undefined && byKey.get(entry.key) === rid) byKey.delete(entry.key);
    clearTimeout(entry.timer);
    return entry;
  };

  return {
    request(kind, send, { key, superseded } = {}) {
      if (key !== undefined) {
        const earlier = byKey.get(key);
        if (earlier !== undefined) {
          take(earlier)?.settle(
            superseded ?? { ok: false, reason: 'invalid', message: 'Superseded by a new request.' },
          );
        }
      }
      // ids only grow (the room refuses a reused one); past the largest, the connection is spent
      if (lastId >= MAX_REQUEST_ID) return Promise.resolve(options.whenLost);
      const rid = ++lastId;
      return new Promise((resolve) => {
        const timer = setTimeout(() => take(rid)?.settle(options.whenLost), options.timeoutMs);
        pending.set(rid, { kind, key, settle: resolve as Entry['settle'], timer });
        if (key !== undefined) byKey.set(key, rid);
        send(rid);
      });
    },
    resolve(kind, rid, result) {
      if (pending.get(rid)?.kind !== kind) return false;
      take(rid)!.settle(result);
      return true;
    },
    reject(rid, failure) {
      const entry = take(rid);
      entry?.settle(failure);
      return entry !== undefined;
    },
    settleAll(failure) {
      for (const rid of [...pending.keys()]) take(rid)?.settle(failure);
    },
    get size() {
      return pending.size;
    },
  };
}
