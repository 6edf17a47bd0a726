import { setConsoleFunction } from 'three';

/**
 * three's own console messages, handled: @react-three/fiber 9.8 still builds a `THREE.Clock`, which
 * three 0.187 marks deprecated on every construction — a dependency's notice nobody using the app can
 * act on, so it is dropped here; every other message of three reaches the console as three wrote it.
 */
let installed = false;

export function installThreeConsole(): void {
  if (installed) return;
  installed = true;
  setConsoleFunction((level: string, message: string, ...params: unknown[]) => {
    if (level === 'warn' && message.includes('Clock: This module has been deprecated')) return;
    const write = (console as unknown as Record<string, (...args: unknown[]) => void>)[level] ?? console.log;
    write(message, ...params);
  });
}
