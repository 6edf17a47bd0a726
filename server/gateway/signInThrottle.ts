/**
 * Password sign-in throttling of local auth, per account and per client address, on
 * rate-limiter-flexible's in-memory counters (local auth runs in one process). Only failed sign-ins
 * count: an account is blocked after ACCOUNT_FAILURES failures from any address within the window, an
 * address after ADDRESS_FAILURES failures against any accounts (password spraying). A blocked
 * request is refused before bcrypt runs, so throttled guessing costs the server nothing. A success
 * clears its account's count, never its address' (an attacker's own good sign-ins would otherwise
 * reset the spray counter). Unknown emails count like known ones, so the answer tells nothing.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface SignInThrottleOptions {
  /** Failures per account within `windowSeconds` before it is blocked (default 10). */
  accountFailures?: number;
  /** Failures per client address within `windowSeconds` before it is blocked (default 30). */
  addressFailures?: number;
  /** Counting window and block duration (default 15 minutes). */
  windowSeconds?: number;
}

export interface SignInThrottle {
  /** Seconds until this account/address may try again, or 0 when it may try now. */
  retryAfter(account: string, address: string): Promise<number>;
  /** Records a failed sign-in. */
  failed(account: string, address: string): Promise<void>;
  /** Records a successful sign-in (clears the account's failures). */
  succeeded(account: string): Promise<void>;
}

export function createSignInThrottle(options: SignInThrottleOptions = {}): SignInThrottle {
  const windowSeconds = options.windowSeconds ?? 15 * 60;
  const byAccount = new RateLimiterMemory({
    keyPrefix: 'account',
    points: options.accountFailures ?? 10,
    duration: windowSeconds,
    blockDuration: windowSeconds,
  });
  const byAddress = new RateLimiterMemory({
    keyPrefix: 'address',
    points: options.addressFailures ?? 30,
    duration: windowSeconds,
    blockDuration: windowSeconds,
  });
  const wait = (res: RateLimiterRes | null, points: number) =>
    res && res.consumedPoints >= points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  const consume = (limiter: RateLimiterMemory, key: string) =>
    // a rejection only says the key is now over its limit: the next retryAfter() reports it
    limiter.consume(key).catch((rejection: unknown) => {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
    });
  return {
    async retryAfter(account, address) {
      const [a, b] = await Promise.all([byAccount.get(account), byAddress.get(address)]);
      return Math.max(wait(a, byAccount.points), wait(b, byAddress.points));
    },
    async failed(account, address) {
      await Promise.all([consume(byAccount, account), consume(byAddress, address)]);
    },
    async succeeded(account) {
      await byAccount.delete(account);
    },
  };
}
