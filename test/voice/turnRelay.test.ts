/**
 * A call through a real TURN relay: coturn (the Debian package `coturn`, which test/cli/preflight.ts
 * installs) runs on loopback from a generated config with a static auth secret (use-auth-secret,
 * coturn's REST scheme), listening and relaying on 127.0.0.1. The realtime process is configured as
 * production is (CHENU_ICE_TURN_URLS / CHENU_ICE_TURN_SECRET → VoiceOptions.ice), so each session's
 * offer carries its own short-lived TURN credential; the participants' werift peers take their ICE
 * servers from that offer and are relay-only (iceTransportPolicy 'relay'), so the only way their
 * audio reaches the SFU is through coturn's relay. Checked: packets flow both ways, each peer's
 * nominated pair is a relay candidate, and coturn logged the allocations of those credentials; and
 * coturn refuses an expired credential, one signed with another secret, and one presented under
 * another identity's name (TURN allocations straight from werift's TURN client).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTurnClient } from 'werift';
import { freePort } from '../../server/db/embeddedPostgres.ts';
import { turnCredential } from '../../server/voice/VoiceService.ts';
import { createDataspace, grantElevation } from '../realtime/realtimeHarness.ts';
import { joinVoice } from './nodeVoicePeer.ts';
import { seat, startVoiceRig, until, type VoiceRig } from './voiceHarness.ts';

const SECRET = randomBytes(24).toString('hex');
let dir: string;
let turn: ChildProcess;
let turnPort: number;
let rig: VoiceRig;
let ds: string;

/** Resolves once something accepts TCP connections on 127.0.0.1:port (coturn listens on TCP and UDP). */
async function listening(port: number, what: string): Promise<void> {
  const open = () =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  for (const started = Date.now(); Date.now() - started < 15_000;) {
    if (await open()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-turn-'));
  turnPort = await freePort();
  // a relay port range of its own (helpers and tests may run several coturns)
  const minPort = 40_000 + Math.floor(Math.random() * 200) * 100;
  const conf = [
    `listening-ip=127.0.0.1`,
    `relay-ip=127.0.0.1`,
    `listening-port=${turnPort}`,
    `min-port=${minPort}`,
    `max-port=${minPort + 99}`,
    'use-auth-secret',
    `static-auth-secret=${SECRET}`,
    'realm=chenu.test',
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    // the SFU binds 127.0.0.1 in tests: coturn refuses loopback peers unless told otherwise
    'allow-loopback-peers',
    'no-multicast-peers',
    `userdb=${path.join(dir, 'turndb')}`,
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    `log-file=${path.join(dir, 'turn.log')}`,
    'simple-log',
    'no-stdout-log',
    'verbose',
  ].join('\n');
  await writeFile(path.join(dir, 'turnserver.conf'), `${conf}\n`);
  turn = spawn('turnserver', ['-c', path.join(dir, 'turnserver.conf')], { stdio: 'ignore' });
  const exited = new Promise<never>((_, reject) =>
    turn.once('exit', (code) => reject(new Error(`turnserver exited (${code}) before listening`))),
  );
  exited.catch(() => undefined);
  await Promise.race([listening(turnPort, 'coturn to listen'), exited]);

  rig = await startVoiceRig(1, {
    turnUrls: [`turn:127.0.0.1:${turnPort}?transport=udp`],
    turnSecret: SECRET,
  });
  ds = await createDataspace(rig.h.sql, 'a1');
  await grantElevation(rig.h.sql, 'b1', 'a1', ds, 'write');
}, 60_000);

afterAll(async () => {
  await rig?.stop();
  turn?.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

describe('voice through a TURN relay (coturn)', { timeout: 90_000 }, () => {
  it('carries audio both ways between relay-only participants, on credentials coturn accepts', async () => {
    const alice = await seat(rig.h, 'a1', ds, 0);
    const bob = await seat(rig.h, 'b1', ds, 2);
    const ice = { useOfferServers: true, relayOnly: true };
    let va = joinVoice(alice, {}, ice);
    let vb = joinVoice(bob, {}, ice);
    const carries = (v: typeof va, id: string) => Object.values(v.last?.tracks ?? {}).includes(id);
    await until(
      () => carries(va, bob.sessionId) && carries(vb, alice.sessionId),
      'each offered the other',
      30_000,
    );
    // the offer carried this session's TURN server and credential
    const servers = va.last!.iceServers ?? [];
    expect(servers).toHaveLength(1);
    expect(servers[0]!.urls).toEqual([`turn:127.0.0.1:${turnPort}?transport=udp`]);
    expect(servers[0]!.username).toMatch(/^\d+:/);
    // a handshake through the relay that fails on a loaded machine (werift's ICE and DTLS timers):
    // that participant joins the voice again (the SFU replaces its session), twice at most
    const connected = async (room: typeof alice, first: typeof va) => {
      let v = first;
      for (let attempt = 1; ; attempt += 1) {
        try {
          await v.ready();
          return v;
        } catch (error) {
          if (attempt === 3) throw error;
          await v.close();
          v = joinVoice(room, {}, ice);
        }
      }
    };
    [va, vb] = await Promise.all([connected(alice, va), connected(bob, vb)]);
    // a rejoin made the other's offer change: both settled on their latest
    await until(
      () => carries(va, bob.sessionId) && carries(vb, alice.sessionId),
      'each offered the other',
      30_000,
    );
    await Promise.all([va.ready(), vb.ready()]);

    // relay-only: each side's nominated pair is its TURN relay candidate
    for (const v of [va, vb]) {
      const nominated = v.pc()!.iceTransports[0]!.connection.nominated;
      expect(nominated?.localCandidate.type).toBe('relay');
      expect(nominated?.localCandidate.host).toBe('127.0.0.1');
    }

    va.send(20);
    vb.send(20);
    await until(
      () => (vb.received.get(alice.sessionId) ?? 0) >= 25 && (va.received.get(bob.sessionId) ?? 0) >= 25,
      'half a second of audio each way through the relay',
      30_000,
    );
    va.stopSending();
    vb.stopSending();

    // coturn allocated a relay for each participant's identity, on a credential the room issued
    // (`<expiry>:<identity>`: each new offer carries a fresh one, with its own expiry second, so
    // the latest offer's may not be the one the connection was made with)
    const log = await readFile(path.join(dir, 'turn.log'), 'utf8');
    for (const v of [va, vb]) {
      const identity = v.last!.iceServers![0]!.username!.split(':')[1]!;
      expect(log).toMatch(new RegExp(`user <\\d+:${identity}>: incoming packet ALLOCATE processed, success`));
    }
    await Promise.all([va.close(), vb.close(), alice.leave(), bob.leave()]);
  });

  it('relays only for credentials the realtime process issued, and not after they expire', async () => {
    const allocate = async (username: string, password: string) => {
      const client = await createTurnClient(
        { address: ['127.0.0.1', turnPort], username, password },
        { interfaceAddresses: { udp4: '127.0.0.1' } },
      );
      const relayed = client.relayedAddress;
      await client.close();
      return relayed;
    };
    const now = Date.now();
    const issued = rig.h.rt.deps.voice!.iceServers('identity-x', now).find((s) => s.username)!;
    expect(await allocate(issued.username!, issued.credential!)).toEqual(['127.0.0.1', expect.any(Number)]);

    const expired = turnCredential(SECRET, 'identity-x', 60, now - 3_600_000);
    const forged = turnCredential('not-the-coturn-secret-0123456789', 'identity-x', 3600, now);
    // a credential issued to one identity, presented under another's name
    const borrowed = {
      username: issued.username!.replace('identity-x', 'identity-y'),
      credential: issued.credential!,
    };
    const refused = await Promise.allSettled(
      [expired, forged, borrowed].map((c) => allocate(c.username, c.credential)),
    );
    expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
