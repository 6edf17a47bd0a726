/**
 * Mail over SMTP with nodemailer: local auth's confirmation, magic-link and password-reset mails,
 * and notification emails (the delivery worker). The SMTP server is configured by URL
 * (`smtp://user:pass@host:587`, `smtps://…:465`; CHENU_SMTP_URL), and reached under the outbound
 * policy's address rule: the host's addresses are resolved and all must pass addressPolicy.ts
 * (global unicast, or CHENU_OUTBOUND_ALLOW — `npm start` allow-lists exactly its local mail
 * catcher's address:port), then nodemailer connects to the checked address (TLS still checks the
 * host name). A refused server fails the send with the policy's fixed message.
 */
import { lookup } from 'node:dns/promises';
import nodemailer from 'nodemailer';
import {
  ipLiteral,
  isAllowedAddress,
  type AllowList,
} from '../../supabase/functions/_shared/outbound/addressPolicy.ts';
import { OutboundError } from '../../supabase/functions/_shared/outbound/outboundErrors.ts';

/** One mail. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  /** Sends one mail; rejects with an OutboundError when the SMTP server is not allowed or unreachable. */
  send(mail: Mail): Promise<void>;
  /** `host:port` of the SMTP server (for start-up lines, never a secret). */
  readonly server: string;
}

export interface MailerOptions {
  /** `smtp://[user:pass@]host[:port]` or `smtps://…`. */
  url: string;
  /** The From header, e.g. `CHE·NU <no-reply@chenu.example>`. */
  from: string;
  allow: AllowList;
  /** Resolver (tests inject one). */
  resolve?: (host: string) => Promise<string[]>;
  timeoutMs?: number;
}

const systemResolve = async (host: string) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Parses and checks the URL's form; the address is checked at each send. */
export function parseSmtpUrl(raw: string): { url: URL; secure: boolean; port: number } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`not an SMTP URL: ${raw.replace(/\/\/[^@]*@/, '//…@')}`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error('an SMTP URL starts with smtp:// or smtps://');
  }
  const secure = url.protocol === 'smtps:';
  return { url, secure, port: Number(url.port || (secure ? 465 : 587)) };
}

export function createMailer(options: MailerOptions): Mailer {
  const { url, secure, port } = parseSmtpUrl(options.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const resolve = options.resolve ?? systemResolve;
  const timeout = options.timeoutMs ?? 10_000;
  return {
    server: `${url.hostname}:${port}`,
    async send(mail) {
      let addresses: string[];
      try {
        addresses = ipLiteral(host) ? [host] : await resolve(host);
      } catch (error) {
        throw new OutboundError('blocked', 'dns', { cause: error });
      }
      if (addresses.length === 0 || !addresses.every((a) => isAllowedAddress(a, port, options.allow))) {
        throw new OutboundError('blocked', 'address');
      }
      const transport = nodemailer.createTransport({
        host: addresses[0]!,
        port,
        secure,
        ...(url.username
          ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
          : {}),
        // TLS checks the configured name, not the address connected to
        tls: { servername: ipLiteral(host) ? undefined : host },
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      });
      try {
        await transport.sendMail({ from: options.from, ...mail });
      } catch (error) {
        throw new OutboundError('blocked', 'connect', { cause: error });
      } finally {
        transport.close();
      }
    },
  };
}
