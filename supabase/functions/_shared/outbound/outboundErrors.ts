/**
 * The outbound policy's contract without its transport: the errors (fixed messages per code) and
 * the fetch signature. Pure, so code that runs in the edge functions (the AI provider) can depend
 * on it without pulling node:http into them; outboundFetch.ts implements it.
 */

/** What went wrong, as stored or shown; the message is fixed per code. */
export const OUTBOUND_ERRORS = {
  blocked: 'the destination was unreachable, too slow or not allowed',
  too_large: 'the response was larger than allowed',
  too_many_redirects: 'too many redirects',
} as const;
export type OutboundErrorCode = keyof typeof OUTBOUND_ERRORS;

/** Which check or failure it was (never shown to the requester). */
export type OutboundReason =
  'scheme' | 'credentials' | 'address' | 'dns' | 'connect' | 'timeout' | 'size' | 'redirects';

export class OutboundError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    readonly reason: OutboundReason,
    options?: { cause?: unknown },
  ) {
    super(OUTBOUND_ERRORS[code], options);
    this.name = 'OutboundError';
  }
}

export interface OutboundRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** The caller's cancellation, on top of the policy's deadline. */
  signal?: AbortSignal;
  /**
   * Streaming: called with each body chunk of the final 2xx response as it arrives (a streamed
   * completion), which is then not kept (`body` stays empty). The size cap still counts every byte.
   */
  onChunk?: (chunk: Uint8Array) => void;
}

export interface OutboundResponse {
  status: number;
  ok: boolean;
  headers: Headers;
  /** The URL that answered (after redirects). */
  url: string;
  body: Uint8Array;
  text(): string;
}

export type OutboundFetch = (url: string, request?: OutboundRequest) => Promise<OutboundResponse>;
