/**
 * CPU profiles for `npm run bench:realtime -- profile=<N>`: the realtime server runs in the bench's
 * own process, so its Node inspector profiles the rooms while a load step runs; `topSelf` reads a
 * profile's nodes back into the functions with the most self time (what a flame graph's widest
 * leaves are), for a table in the bench's output.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Starts the inspector's sampling profiler; the returned function stops it and writes `file`. */
export async function startCpuProfile(file: string): Promise<() => Promise<Profile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
    session.disconnect();
    await writeFile(file, JSON.stringify(profile));
    return profile;
  };
}

/** The `top` functions by self time (share of the busy samples), one line each, named by file:line. */
export function topSelf(profile: Profile, top = 25): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const id of profile.samples) {
    const frame = byId.get(id)!.callFrame;
    const file = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/(server|shared|test)\//, '$1/');
    const name = `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + 1);
  }
  // shares of the busy samples: the idle ones are time the process waited for its sockets
  const idle = [...self.entries()].find(([name]) => name.startsWith('(idle)'))?.[1] ?? 0;
  const total = profile.samples.length - idle;
  return [...self.entries()]
    .filter(([name]) => !name.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}%  ${name}`);
}
