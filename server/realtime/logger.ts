/** A structured log sink: one event name plus fields. */
export type Logger = (event: string, fields?: Record<string, unknown>) => void;

/** JSON lines on stdout (`{"t":…,"level":…,"event":…,…}`), or nothing when `quiet`. */
export function createLogger(base: Record<string, unknown> = {}, quiet = false): Logger {
  if (quiet) return () => {};
  return (event, fields = {}) => {
    const level = event.endsWith('error') || event.endsWith('failed') ? 'error' : 'info';
    process.stdout.write(
      `${JSON.stringify({ t: new Date().toISOString(), level, event, ...base, ...fields })}\n`,
    );
  };
}
