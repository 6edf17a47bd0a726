/**
 * Which network addresses the server may send requests to (the outbound policy's address half).
 * Only global unicast addresses pass: loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
 * link-local (169.254/16 with the cloud metadata endpoints, fe80::/10), carrier-grade NAT
 * (100.64/10), unspecified, broadcast, multicast, reserved and documentation ranges, and IPv6 forms
 * that embed an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo) are refused, unless an operator
 * allow-lists them (CHENU_OUTBOUND_ALLOW: comma-separated addresses or CIDR ranges). Classification is
 * ipaddr.js' `range()`. Pure: no I/O, runs in Node and Deno.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Operator-allowed ranges, parsed once from configuration. */
export type AllowList = readonly (readonly [Address, number])[];

/** Parses `10.0.0.0/8, 127.0.0.1, ::1/128`; throws naming the first bad entry. */
export function parseAllowList(text: string): AllowList {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      try {
        if (entry.includes('/')) return ipaddr.parseCIDR(entry);
        const address = ipaddr.parse(entry);
        return [address, address.kind() === 'ipv4' ? 32 : 128] as const;
      } catch {
        throw new Error(`not an IP address or CIDR range: ${entry}`);
      }
    });
}

/** The allow-list as CHENU_OUTBOUND_ALLOW text (to hand it to another process). */
export function formatAllowList(allow: AllowList): string {
  return allow.map(([range, bits]) => `${range.toString()}/${bits}`).join(',');
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
  const literal = ipLiteral(url.hostname);
  if (literal && !isAllowedAddress(literal, allow)) return { refused: 'address' };
  const name = url.hostname.toLowerCase().replace(/\.$/, '');
  if ((name === 'localhost' || name.endsWith('.localhost')) && !isAllowedAddress('127.0.0.1', allow)) {
    return { refused: 'address' };
  }
  return { url };
}

/** True when the server may connect to `address` (an IPv4 or IPv6 literal). */
export function isAllowedAddress(address: string, allow: AllowList): boolean {
  let parsed: Address;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return false;
  }
  if (allow.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))) return true;
  return parsed.range() === 'unicast';
}
