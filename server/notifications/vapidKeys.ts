/**
 * The VAPID key pair Web Push deliveries are signed with (RFC 8292), generated once with `web-push`
 * and kept in `<CHENU_DATA_DIR>/vapid.json` (mode 600), so browsers' subscriptions, made against the
 * public key, stay valid across restarts. The public key is handed to the functions
 * (CHENU_VAPID_PUBLIC_KEY) for clients to subscribe with; the private key never leaves the server.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import webPush from 'web-push';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** Who the push services may contact (`mailto:` or https URL). */
  subject: string;
}

/** Reads the stored pair, or generates and stores one the first time. */
export async function loadOrCreateVapidKeys(dataDir: string, subject: string): Promise<VapidKeys> {
  const file = path.join(dataDir, 'vapid.json');
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as { publicKey?: string; privateKey?: string };
    if (stored.publicKey && stored.privateKey) {
      return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const keys = webPush.generateVAPIDKeys();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { ...keys, subject };
}
