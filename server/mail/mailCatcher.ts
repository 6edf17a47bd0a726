/**
 * The local mail catcher `npm start` runs when no SMTP server is configured: MailDev (npm package
 * `maildev`) in this process, SMTP and its web inbox on loopback only, nothing relayed anywhere.
 * Every mail the product sends locally (auth links, notification emails) lands in its inbox; its REST
 * API (`GET /api/email`) is what the tests read.
 */
import { MailDev } from 'maildev';

export interface MailCatcher {
  /** What the product sends to: `smtp://127.0.0.1:<port>`. */
  smtpUrl: string;
  smtpPort: number;
  /** The web inbox (and `/api/email`). */
  webUrl: string;
  stop(): Promise<void>;
}

/** Starts MailDev on 127.0.0.1 (`smtpPort`, `webPort`; 0 picks free ones). */
export async function startMailCatcher(options: { smtpPort: number; webPort: number }): Promise<MailCatcher> {
  const maildev = new MailDev({
    smtp: options.smtpPort,
    ip: '127.0.0.1',
    web: options.webPort,
    webIp: '127.0.0.1',
    silent: true,
    maxEmails: 500,
  });
  let servers: Awaited<ReturnType<MailDev['start']>>;
  try {
    servers = await maildev.start();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new Error(
      e.code === 'EADDRINUSE'
        ? `CHE·NU: the mail catcher's port is in use; set CHENU_MAIL_SMTP_PORT / CHENU_MAIL_WEB_PORT, or CHENU_SMTP_URL to use another SMTP server.`
        : `CHE·NU: the mail catcher did not start: ${e.message}`,
      { cause: error },
    );
  }
  const smtpPort = servers.smtp.getPort();
  const webPort = servers.api?.getPort() ?? options.webPort;
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    smtpPort,
    webUrl: `http://127.0.0.1:${webPort}`,
    stop: () => maildev.stop(),
  };
}
