/** A listener set; `replay` first hands a late subscriber the current items. */
export interface Channel<T> {
  on(cb: (value: T) => void): () => void;
  replay(current: Iterable<T>, cb: (value: T) => void): () => void;
  emit(value: T): void;
}

export function createChannel<T>(): Channel<T> {
  const listeners = new Set<(value: T) => void>();
  const on = (cb: (value: T) => void) => {
    listeners.add(cb);
    return () => void listeners.delete(cb);
  };
  return {
    on,
    replay(current, cb) {
      for (const item of current) cb(item);
      return on(cb);
    },
    emit(value) {
      for (const cb of listeners) cb(value);
    },
  };
}
