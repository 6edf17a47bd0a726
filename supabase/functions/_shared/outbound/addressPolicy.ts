/**
 * Which network addresses the server may send requests to (the outbound policy's address half).
 * Only global unicast addresses pass: loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
 * link-local (169.254/16 with the cloud metadata endpoints, fe80::/10), carrier-grade NAT
 * (100.64/10), unspecified, broadcast, multicast, reserved and documentation ranges, and IPv6 forms
 * that embed an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo) are refused, unless an operator
 * allow-lists them (CHENU_OUTBOUND_ALLOW: comma-separated addresses or CIDR ranges, each optionally
 * limited to one port: `127.0.0.1:1080`, `[::1]:8080`, `10.0.0.0/8:443`). Classification is
 * ipaddr.js' `range()`. Pure: no I/O, runs in Node and Deno.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One operator-allowed range, on every port or on one. */
export interface AllowEntry {
  readonly range: Address;
  readonly bits: number;
  readonly port?: number;
}

/** Operator-allowed ranges, parsed once from configuration. */
export type AllowList = readonly AllowEntry[];

/** `[v6 or v6/bits]:port`, `v4 or v4/bits:port`, or a bare address or range. */
const WITH_PORT = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/;

function parseEntry(entry: string): AllowEntry {
  const m = WITH_PORT.exec(entry);
  const target = m ? (m[1] ?? m[2]!) : entry.replace(/^\[(.*)\]$/, '$1');
  const port = m ? Number(m[3]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) throw new Error('port out of range');
  if (target.includes('/')) {
    const [range, bits] = ipaddr.parseCIDR(target);
    return { range, bits, port };
  }
  const range = ipaddr.parse(target);
  return { range, bits: range.kind() === 'ipv4' ? 32 : 128, port };
}

/** Parses `10.0.0.0/8, 127.0.0.1:1080, [::1]:8080`; throws naming the first bad entry. */
export function parseAllowList(text: string): AllowList {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      try {
        return parseEntry(entry);
      } catch {
        throw new Error(`not an IP address or CIDR range (with an optional :port): ${entry}`);
      }
    });
}

/** The allow-list as CHENU_OUTBOUND_ALLOW text (to hand it to another process). */
export function formatAllowList(allow: AllowList): string {
  return allow
    .map(({ range, bits, port }) => {
      const cidr = `${range.toString()}/${bits}`;
      if (port === undefined) return cidr;
      return range.kind() === 'ipv6' ? `[${cidr}]:${port}` : `${cidr}:${port}`;
    })
    .join(',');
}

/** The port a URL connects to. */
export function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/** The address without URL brackets (`[::1]` → `::1`), or undefined when it is not an IP literal. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(bare) ? bare : undefined;
}

/** Why a URL is refused before any lookup, or undefined when its form and literal host pass. */
export type UrlRefusal = 'scheme' | 'credentials' | 'address';

/** The longest destination URL accepted. */
export const MAX_URL_LENGTH = 2048;

/**
 * The checks a URL can get without the network: http(s) only, no credentials, not too long, an IP
 * literal (URL-normalised, so `http://2130706433/` is 127.0.0.1) that passes, and not a `localhost`
 * name (RFC 6761) unless loopback is allow-listed. A name still has to resolve to allowed addresses
 * when the request is made (outboundFetch.ts).
 */
export function checkUrl(raw: string | URL, allow: AllowList): { url: URL } | { refused: UrlRefusal } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { refused: 'scheme' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { refused: 'scheme' };
  if (url.href.length > MAX_URL_LENGTH) return { refused: 'scheme' };
  if (url.username || url.password) return { refused: 'credentials' };
  const port = portOf(url);
  const literal = ipLiteral(url.hostname);
  if (literal && !isAllowedAddress(literal, port, allow)) return { refused: 'address' };
  const name = url.hostname.toLowerCase().replace(/\.$/, '');
  if ((name === 'localhost' || name.endsWith('.localhost')) && !isAllowedAddress('127.0.0.1', port, allow)) {
    return { refused: 'address' };
  }
  return { url };
}

/**
 * Special-use and reserved names that no public DNS answers: `.example`, `.invalid`, `.test`
 * (RFC 2606, RFC 6761), `.local` (multicast DNS, RFC 6762: asking goes out on the local network),
 * `.onion` (RFC 7686), `.alt` (RFC 9476), `.home.arpa` (RFC 8375) and `localhost` (RFC 6761).
 * The system resolver is never asked about them (outboundFetch.ts), so a made-up or demo address
 * (the seed's webhook) fails here without a query leaving the machine.
 */
const RESERVED_SUFFIXES = ['example', 'invalid', 'test', 'local', 'onion', 'alt', 'home.arpa', 'localhost'];

/** True for a name under a reserved suffix (case and a trailing dot ignored). */
export function isReservedName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return RESERVED_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`.${suffix}`));
}

/** True when the server may connect to `address` (an IPv4 or IPv6 literal) on `port`. */
export function isAllowedAddress(address: string, port: number, allow: AllowList): boolean {
  let parsed: Address;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return false;
  }
  const listed = allow.some(
    (e) =>
      e.range.kind() === parsed.kind() &&
      parsed.match(e.range, e.bits) &&
      (e.port === undefined || e.port === port),
  );
  return listed || parsed.range() === 'unicast';
}
