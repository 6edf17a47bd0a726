import { setConsoleFunction } from 'three';

/**
 * three's own console messages, handled. Two come from dependencies and say nothing anyone using the
 * app can act on, so they are dropped: @react-three/fiber 9.8 still builds a `THREE.Clock` (deprecated
 * in three 0.187), and @pmndrs/xr 6.6's teleport ray passes `resolution: undefined` to its line
 * material. Every other message of three reaches the console as three wrote it.
 */
const DEPENDENCY_NOTICES: readonly string[] = [
  'Clock: This module has been deprecated',
  "Material: parameter 'resolution' has value of undefined",
];

let installed = false;

export function installThreeConsole(): void {
  if (installed) return;
  installed = true;
  setConsoleFunction((level: string, message: string, ...params: unknown[]) => {
    if (level === 'warn' && DEPENDENCY_NOTICES.some((notice) => message.includes(notice))) return;
    const write = (console as unknown as Record<string, (...args: unknown[]) => void>)[level] ?? console.log;
    write(message, ...params);
  });
}
