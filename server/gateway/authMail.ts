/**
 * The mailed links of local auth (localAuth.ts), as Supabase Auth sends them: confirming a sign-up,
 * signing in by magic link, resetting a password. A link carries a random 32-byte token; only its
 * SHA-256 is stored (private.auth_mail_tokens), it is good once and for a limited time (sign-up
 * 24 h, the others 1 h), and a newer link of the same kind voids the older ones. Sending is limited
 * per address (one mail of a kind a minute), counted before the address is looked up, so the limit
 * says nothing about whether an account exists.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Mailer } from '../mail/mailer.ts';

/** What a link does. */
export type LinkKind = 'signup' | 'magiclink' | 'recovery';

/** How long a link works. */
export const LINK_TTL_SECONDS: Readonly<Record<LinkKind, number>> = {
  signup: 24 * 3600,
  magiclink: 3600,
  recovery: 3600,
};
/** Mails of one kind to one address: at most one per this many seconds. */
export const MAIL_INTERVAL_SECONDS = 60;

export interface AuthMailOptions {
  mailer: Mailer;
  /** Where a link sends the person after it worked (the client), unless `redirect_to` names an allowed origin. */
  siteUrl: string;
  /** Other origins `redirect_to` may name (the site URL's always may). */
  redirectOrigins?: string[];
  /** Ask new users to confirm their address before they can sign in with a password. */
  confirmSignUp: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The place to send someone after a link: `redirect_to` when its origin is allowed, else the site. */
export function safeRedirect(options: AuthMailOptions, redirectTo: string | null | undefined): string {
  if (!redirectTo) return options.siteUrl;
  try {
    const target = new URL(redirectTo);
    const allowed = [options.siteUrl, ...(options.redirectOrigins ?? [])].map((u) => new URL(u).origin);
    return allowed.includes(target.origin) ? target.href : options.siteUrl;
  } catch {
    return options.siteUrl;
  }
}

const SUBJECTS: Record<LinkKind, string> = {
  signup: 'Confirmez votre adresse CHE·NU / Confirm your CHE·NU address',
  magiclink: 'Votre lien de connexion CHE·NU / Your CHE·NU sign-in link',
  recovery: 'Réinitialiser votre mot de passe CHE·NU / Reset your CHE·NU password',
};
const LINES: Record<LinkKind, string> = {
  signup:
    'Confirmez votre adresse pour activer votre compte. / Confirm your address to activate your account.',
  magiclink: 'Ouvrez ce lien pour vous connecter. / Open this link to sign in.',
  recovery: 'Ouvrez ce lien pour choisir un nouveau mot de passe. / Open this link to choose a new password.',
};

export function createAuthMail(options: AuthMailOptions, sql: Sql, authUrl: string) {
  const limiter = new RateLimiterMemory({ points: 1, duration: MAIL_INTERVAL_SECONDS });

  return {
    options,
    /**
     * Whether a mail of `kind` may go to `email` now (consumes the minute's one mail). Returns the
     * seconds to wait when not.
     */
    async retryAfter(kind: LinkKind, email: string): Promise<number> {
      try {
        await limiter.consume(`${kind}:${email.toLowerCase()}`);
        return 0;
      } catch (rejection) {
        return Math.max(1, Math.ceil(((rejection as { msBeforeNext?: number }).msBeforeNext ?? 1000) / 1000));
      }
    },

    /** Creates a link of `kind` for `userId` (voiding older ones) and mails it to `email`. */
    async send(userId: string, email: string, kind: LinkKind, redirectTo?: string | null): Promise<void> {
      const token = randomBytes(32).toString('base64url');
      await sql.begin(async (tx) => {
        await tx`update private.auth_mail_tokens set used_at = now()
                 where user_id = ${userId} and kind = ${kind} and used_at is null`;
        await tx`insert into private.auth_mail_tokens (user_id, kind, token_hash, expires_at)
                 values (${userId}, ${kind}, ${sha256(token)}, now() + make_interval(secs => ${LINK_TTL_SECONDS[kind]}))`;
      });
      const link = new URL(`${authUrl}/verify`);
      link.searchParams.set('token', token);
      link.searchParams.set('type', kind);
      link.searchParams.set('redirect_to', safeRedirect(options, redirectTo));
      const hours = LINK_TTL_SECONDS[kind] / 3600;
      await options.mailer.send({
        to: email,
        subject: SUBJECTS[kind],
        text: `${LINES[kind]}\n\n${link.href}\n\n(valable ${hours} h, une seule fois / valid ${hours} h, once)`,
        html: `<p>${LINES[kind]}</p><p><a href="${link.href.replace(/&/g, '&amp;')}">${SUBJECTS[kind]}</a></p>`,
      });
    },

    /**
     * Uses a link's token once: the user it was for, or null when it is unknown, of another kind,
     * used or expired (all alike to the caller).
     */
    async consume(tx: TransactionSql, token: string, kind: LinkKind): Promise<string | null> {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
      const [row] = await tx<{ user_id: string }[]>`
        update private.auth_mail_tokens set used_at = now()
        where token_hash = ${sha256(token)} and kind = ${kind} and used_at is null and expires_at > now()
        returning user_id`;
      return row?.user_id ?? null;
    },
  };
}

export type AuthMail = ReturnType<typeof createAuthMail>;
