/**
 * Formats of text fields the database stores as plain text but the API must check: e-mail
 * addresses, and time zones (names the runtime's IANA database knows, so a budget period or a
 * sphere's clock never meets a zone it cannot compute). The generated table schemas use these for
 * columns named `email`, `*_email` and `time_zone`.
 */
import { z } from 'zod';

let zones: Set<string> | undefined;

/**
 * Whether `name` is an IANA time zone of this runtime: its canonical form (aliases such as
 * America/Montreal resolve to America/Toronto) is one of `Intl.supportedValuesOf('timeZone')`, or
 * UTC. Offsets (`+05:00`) and unknown names are refused.
 */
export function isTimeZone(name: string): boolean {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  if (zones.has(name)) return true;
  try {
    return zones.has(new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone);
  } catch {
    return false;
  }
}

/** An IANA time zone name such as `America/Montreal`. */
export const TimeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, 'not an IANA time zone (e.g. America/Montreal)')
  .meta({ description: 'IANA time zone, e.g. America/Montreal', format: 'time-zone' });

/** An e-mail address. */
export const Email = z.email().max(320);
