import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** An SFU child process (voice/sfuProcess.ts) and its control URL. */
export interface SfuProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** SIGTERM (clean) or SIGKILL (crash); resolves when it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** What an SFU child is started with (its CHENU_SFU_* variables). */
export interface SfuSpawnOptions {
  secret: string;
  /** Media bind address (127.0.0.1 locally and in tests). */
  bind?: string;
  announcedAddress?: string;
  udpPorts?: readonly [number, number];
  /** Control port host; the port is chosen by the OS. */
  controlHost?: string;
}

const ENTRY = path.resolve('server/voice/sfuProcess.ts');

/**
 * Starts one SFU process (plain `node --import tsx`, so its CPU is its own) and resolves with its
 * control URL once it listens; rejects if it exits first. It stops by itself when this process's
 * end of its stdin closes, so a crashed parent never leaves an SFU behind.
 */
export async function spawnSfu(options: SfuSpawnOptions): Promise<SfuProcess> {
  const controlHost = options.controlHost ?? '127.0.0.1';
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--exit-with-parent'], {
    env: {
      ...process.env,
      CHENU_SFU_SECRET: options.secret,
      CHENU_SFU_CONTROL_HOST: controlHost,
      CHENU_SFU_CONTROL_PORT: '0',
      CHENU_SFU_BIND: options.bind ?? '127.0.0.1',
      ...(options.announcedAddress ? { CHENU_SFU_ANNOUNCED_ADDRESS: options.announcedAddress } : {}),
      ...(options.udpPorts ? { CHENU_SFU_UDP_PORTS: options.udpPorts.join('-') } : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const onData = (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as { event?: string; port?: number };
          if (entry.event === 'sfu.listening' && entry.port) {
            child.stdout!.off('data', onData);
            child.stdout!.resume();
            resolve(entry.port);
            return;
          }
        } catch {
          // not the ready line
        }
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`sfu: the SFU process exited (${code}) before listening\n${stderr}`)),
    );
  });
  const host = controlHost === '0.0.0.0' ? '127.0.0.1' : controlHost;
  return {
    url: `ws://${host}:${port}`,
    port,
    pid: child.pid!,
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
