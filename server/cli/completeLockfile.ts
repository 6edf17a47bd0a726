/**
 * `npm run lock:complete`: this project's registry mirror lacks some platform packages of
 * multi-platform binaries (e.g. @supabase/cli-darwin-arm64@3.1.0), so `npm install` leaves them out of
 * package-lock.json and `npm ci` then refuses the lock as out of sync. This adds the missing optional
 * platform entries (metadata only: version, os, cpu, libc, read off the package name) so `npm ci`
 * skips them on platforms they are not for, exactly as with a complete lock. Run it after `npm install`.
 */
import { readFile, writeFile } from 'node:fs/promises';

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

const OS: Record<string, string> = { darwin: 'darwin', linux: 'linux', win32: 'win32', windows: 'win32' };
const CPU = ['x64', 'arm64', 'ia32', 'arm'];

/** os/cpu/libc from a platform package name such as `@deno/linux-x64-glibc` or `cli-windows-arm64`. */
function platformOf(name: string): Pick<LockEntry, 'os' | 'cpu' | 'libc'> | undefined {
  const tokens = name.toLowerCase().split(/[/@-]/);
  const os = tokens.map((t) => OS[t]).find(Boolean);
  const cpu = tokens.find((t) => CPU.includes(t));
  if (!os || !cpu) return undefined;
  const libc = tokens.includes('musl') ? ['musl'] : tokens.includes('glibc') ? ['glibc'] : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc } : {}) };
}

async function main(): Promise<void> {
  const lock = JSON.parse(await readFile('package-lock.json', 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const added: string[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const path = `node_modules/${dep}`;
      const platform = platformOf(dep);
      if (lock.packages[path] || !platform || !/^\d+\.\d+\.\d+/.test(version)) continue;
      lock.packages[path] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
      added.push(`${dep}@${version} (for ${key.replace(/^node_modules\//, '')})`);
    }
  }
  const sorted = Object.fromEntries(
    Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
  );
  lock.packages = sorted;
  await writeFile('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
  console.log(added.length ? `lock: added ${added.join(', ')}` : 'lock: complete');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
