/**
 * Streams a running agent's text to the rooms while it is generated: deltas are batched (every
 * STREAM_FLUSH_MS, or sooner past STREAM_CHUNK_CHARS) and each batch is one call of
 * private.pipeline_stream, which appends an `agent_stream` event to the realtime outbox on the run's
 * dataspace, thread and identity keys (the rooms relay it as a `db` event). Nothing is stored: the
 * thread's message is written when the run settles, so a stopped or failed run leaves no half
 * message. The same call tells whether the runner asked to stop the run (`onCancel`); while no text
 * comes, the relay still asks every STREAM_IDLE_CHECK_MS.
 */
import type { DataAccess } from '../dataAccess.ts';

/** Longest wait before streamed text is relayed. */
export const STREAM_FLUSH_MS = 100;
/** Largest text of one relayed chunk (the outbox payload stays far under its 8,000-byte cap). */
export const STREAM_CHUNK_CHARS = 2000;
/** How often a run that streams nothing yet is checked for a stop request. */
export const STREAM_IDLE_CHECK_MS = 500;

export interface StreamRelay {
  push(text: string): void;
  /** Relays what is left and the end of the stream; resolves once sent. */
  end(meta: Record<string, unknown>): Promise<void>;
}

export function createStreamRelay(
  data: DataAccess,
  executionId: string,
  meta: Record<string, unknown>,
  onCancel: () => void,
): StreamRelay {
  let buffer = '';
  let seq = 0;
  let ended = false;
  let chain: Promise<void> = Promise.resolve();
  let lastCall = performance.now();

  const send = (delta: string, done: boolean, extra: Record<string, unknown> = {}) => {
    const n = seq++;
    chain = chain.then(async () => {
      lastCall = performance.now();
      const cancel = await data.withService(async (tx) => {
        const [row] = await tx<{ cancel: boolean }[]>`
          select private.pipeline_stream(${executionId}, ${n}, ${delta}, ${done}, ${tx.json({ ...meta, ...extra } as never)}) as cancel`;
        return row?.cancel ?? false;
      });
      if (cancel && !done) onCancel();
    });
    chain = chain.catch(() => undefined);
  };
  const flush = () => {
    while (buffer.length > 0) {
      send(buffer.slice(0, STREAM_CHUNK_CHARS), false);
      buffer = buffer.slice(STREAM_CHUNK_CHARS);
    }
  };
  const checkCancel = async () => {
    const cancel = await data.withService(async (tx) => {
      const [row] = await tx<{ cancel: boolean }[]>`
        select cancel_requested_at is not null as cancel from public.agent_executions where id = ${executionId}`;
      return row?.cancel ?? false;
    });
    if (cancel) onCancel();
  };
  const timer = setInterval(() => {
    if (ended) return;
    if (buffer.length > 0) flush();
    else if (performance.now() - lastCall >= STREAM_IDLE_CHECK_MS) {
      lastCall = performance.now();
      chain = chain.then(checkCancel).catch(() => undefined);
    }
  }, STREAM_FLUSH_MS);

  return {
    push(text) {
      if (ended || text.length === 0) return;
      buffer += text;
      if (buffer.length >= STREAM_CHUNK_CHARS) flush();
    },
    async end(extra) {
      if (ended) return chain;
      ended = true;
      clearInterval(timer);
      flush();
      send('', true, extra);
      return chain;
    },
  };
}
