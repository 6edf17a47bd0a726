import type { Client, Room } from '@colyseus/core';
import type { z } from 'zod';
import {
  REALTIME_ERRORS,
  SPATIAL_SERVER,
  type RealtimeErrorCode,
  type RealtimeErrorMessage,
} from '../../shared/protocol/spatialProtocol.ts';
import { requestIdOf } from '../../shared/protocol/requestIds.ts';
import { RateLimiter } from './rateLimiter.ts';
import type { RealtimeTimings } from './realtimeContext.ts';

/** Rate limits per message class; `high` is for pose-like streams. */
interface ClientBuckets {
  high: RateLimiter;
  action: RateLimiter;
  lastRateErrorAt: number;
  /** The last request id (`rid`) accepted from this session: the next must be greater. */
  lastRequestId: number;
}

/** Sends an error to one client only; `rid` echoes the refused request's id (requestIds.ts). */
export function sendError(
  client: Client,
  code: RealtimeErrorCode,
  message: string,
  type?: string,
  rid?: number,
): void {
  const body: RealtimeErrorMessage = { code, message };
  if (type !== undefined) body.type = type;
  if (rid !== undefined) body.rid = rid;
  client.send(SPATIAL_SERVER.error, body);
}

/**
 * Per message type, an optional check for the form a message usually comes in, cheaper than its
 * schema, for types sent many times a second (a pose). It must accept only what the schema accepts
 * (a subset, checked by a test against the schema); what it refuses is parsed by the schema, so the
 * refusal, if any, and its message are the schema's. An accepted message is handed on as it came.
 */
export type FastChecks<S extends Record<string, z.ZodType>> = {
  [K in keyof S]?: (raw: unknown) => raw is z.output<S[K]>;
};

/**
 * Registers every message of a protocol table on a room with the same guard: per-client rate limit,
 * zod validation (size caps live in the schemas), and an error message to the sender alone on
 * refusal; unknown types are refused the same way. `fast` may spare the schema's parse (FastChecks). The room and the other clients carry on.
 * A message carrying a request id (`rid`, shared/protocol/requestIds.ts) gets it back in the error
 * refusing it, and is refused unless its id is greater than the last one this session sent.
 *
 * Not Colyseus' own `validate()` / `onMessage(type, schema, handler)`: in 0.18 a message failing its
 * schema is printed to the log and its sender disconnected (`CloseCode.WITH_ERROR`, RoomMessages
 * `onData`) before any handler runs, so a malformed message would cost the sender its seat and every
 * one of a flood would be validated and logged ahead of the rate limit. Here the limit comes first
 * and a refusal is an `invalid_message` error the sender can act on.
 */
export function registerGuardedMessages<S extends Record<string, z.ZodType>>(
  room: Room,
  schemas: S,
  highRate: ReadonlySet<keyof S>,
  rates: Pick<RealtimeTimings, 'poseRate' | 'actionRate'>,
  handle: <K extends keyof S & string>(client: Client, type: K, message: z.output<S[K]>) => void,
  fast: FastChecks<S> = {},
): { forget(sessionId: string): void } {
  const buckets = new Map<string, ClientBuckets>();
  const bucketsOf = (client: Client): ClientBuckets => {
    let b = buckets.get(client.sessionId);
    if (!b) {
      b = {
        high: new RateLimiter(rates.poseRate.perSecond, rates.poseRate.burst),
        action: new RateLimiter(rates.actionRate.perSecond, rates.actionRate.burst),
        lastRateErrorAt: -Infinity,
        lastRequestId: 0,
      };
      buckets.set(client.sessionId, b);
    }
    return b;
  };
  for (const type of Object.keys(schemas) as (keyof S & string)[]) {
    const schema = schemas[type]!;
    room.onMessage(type, (client: Client, raw: unknown) => {
      const b = bucketsOf(client);
      if (!(highRate.has(type) ? b.high : b.action).take()) {
        // one error per second at most, so a flood cannot turn the server into an amplifier
        const now = performance.now();
        if (now - b.lastRateErrorAt >= 1000) {
          b.lastRateErrorAt = now;
          sendError(
            client,
            REALTIME_ERRORS.rateLimited,
            `too many '${type}' messages; slow down`,
            type,
            requestIdOf(raw),
          );
        }
        return;
      }
      // a fast check's yes means the schema's yes (FastChecks); its no means "ask the schema". Its
      // yes hands the message on as it came, allocating nothing (it runs at POSE_HZ per client)
      let message: unknown = raw;
      if (!fast[type]?.(raw)) {
        const parsed = schema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
          sendError(
            client,
            REALTIME_ERRORS.invalidMessage,
            `'${type}'${where}: ${issue?.message ?? 'invalid'}`,
            type,
            requestIdOf(raw),
          );
          return;
        }
        message = parsed.data;
      }
      const rid = (message as { rid?: unknown }).rid;
      if (typeof rid === 'number') {
        if (rid <= b.lastRequestId) {
          sendError(
            client,
            REALTIME_ERRORS.invalidMessage,
            `'${type}' at rid: request id ${rid} already used; each request's id is greater than the last (${b.lastRequestId})`,
            type,
            rid,
          );
          return;
        }
        b.lastRequestId = rid;
      }
      handle(client, type, message as z.output<S[typeof type]>);
    });
  }
  room.onMessage('*', (client: Client, type: string | number) => {
    if (!bucketsOf(client).action.take()) return;
    sendError(client, REALTIME_ERRORS.unknownMessage, `unknown message type '${String(type).slice(0, 64)}'`);
  });
  return { forget: (sessionId) => void buckets.delete(sessionId) };
}
