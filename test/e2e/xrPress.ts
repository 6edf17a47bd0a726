/**
 * Acting on the 3D panels in IWER-emulated XR (client/threads/named.ts names their keys and buttons):
 * press one with the right controller, type on a virtual keyboard. Shared by the XR e2e suites.
 */
import { Matrix4, Quaternion, Vector3 } from 'three';
import type { Page } from 'playwright-core';
import { frames } from './harness.ts';

/** True once a 3D object named `name` is in the scene (a panel's chunk may still be loading). */
export function hasNamed(page: Page, name: string): Promise<boolean> {
  return page.evaluate((n) => {
    let root = window.__chenu!.spatial.root!;
    while (root.parent) root = root.parent;
    return root.getObjectByName(n) !== undefined;
  }, name);
}

/** Waits until the 3D object named `name` is mounted and placed (its world matrix moved off the origin). */
export async function namedPlaced(page: Page, name: string): Promise<void> {
  await page.waitForFunction((n) => {
    let root = window.__chenu?.spatial.root;
    if (!root) return false;
    while (root.parent) root = root.parent;
    const e = root.getObjectByName(n)?.matrixWorld.elements;
    return !!e && (e[12] !== 0 || e[13] !== 0 || e[14] !== 0);
  }, name);
}

/** Waits until a 3D object named `name` is in the scene. */
export async function untilNamed(page: Page, name: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    (n) => {
      let root = window.__chenu!.spatial.root!;
      while (root.parent) root = root.parent;
      return root.getObjectByName(n) !== undefined;
    },
    name,
    { timeout },
  );
}

/**
 * Presses the 3D key or button named `name` with the right controller: the controller 30 cm in front
 * of it, its ray along the panel's normal, trigger pulled and released. IWER poses are in the
 * session's space, the rig's local space, so they go through the origin's inverse.
 */
export async function pressNamed(page: Page, name: string): Promise<void> {
  // a panel's chunk may still be loading: the object appears once mounted, placed once laid out
  await page.waitForFunction((n) => {
    let root = window.__chenu!.spatial.root!;
    while (root.parent) root = root.parent;
    const e = root.getObjectByName(n)?.matrixWorld.elements;
    return !!e && (e[12] !== 0 || e[13] !== 0 || e[14] !== 0);
  }, name);
  const found = await page.evaluate((n) => {
    let root = window.__chenu!.spatial.root!;
    while (root.parent) root = root.parent;
    const target = root.getObjectByName(n);
    if (!target) return null;
    const e = target.matrixWorld.elements;
    const normal = [e[8]!, e[9]!, e[10]!];
    const length = Math.hypot(...normal);
    return {
      at: [e[12]!, e[13]!, e[14]!],
      normal: normal.map((v) => v / length),
      origin: [...window.__chenuXR!.origin!.matrixWorld.elements],
    };
  }, name);
  if (!found) throw new Error(`no 3D object named ${name}`);
  const at = new Vector3().fromArray(found.at);
  const from = at.clone().addScaledVector(new Vector3().fromArray(found.normal), 0.3);
  const inv = new Matrix4().fromArray(found.origin).invert();
  const local = from.clone().applyMatrix4(inv);
  const rot = new Quaternion().setFromRotationMatrix(new Matrix4().extractRotation(inv));
  const dir = at.clone().sub(from).normalize().applyQuaternion(rot);
  const q = new Quaternion().setFromUnitVectors(new Vector3(0, 0, -1), dir);
  await page.evaluate(
    ([p, r]) => {
      const right = window.iwerDevice.controllers.right!;
      right.position.set(p[0]!, p[1]!, p[2]!);
      right.quaternion.set(r[0]!, r[1]!, r[2]!, r[3]!);
    },
    [local.toArray(), q.toArray()] as const,
  );
  await frames(page, 3);
  await page.evaluate(() => window.iwerDevice.controllers.right!.updateButtonValue('trigger', 1));
  await frames(page, 1);
  await page.evaluate(() => window.iwerDevice.controllers.right!.updateButtonValue('trigger', 0));
  await frames(page, 2);
}

/** Types `text` on the virtual keyboard whose keys are named `<prefix>-<char>`, shift before each capital. */
export async function typeOnKeyboard(page: Page, text: string, prefix = 'xr-key'): Promise<void> {
  for (const char of text) {
    if (char === ' ') {
      await pressNamed(page, `${prefix}-space`);
      continue;
    }
    const lower = char.toLowerCase();
    if (char !== lower) await pressNamed(page, `${prefix}-shift`);
    await pressNamed(page, `${prefix}-${lower}`);
  }
}

/**
 * Turns the emulated headset (yaw only) toward the 3D object named `name`, so a screenshot shows it.
 * The headset's pose is in the session's space: the target goes through the rig's inverse.
 */
export async function faceNamed(page: Page, name: string): Promise<void> {
  await untilNamed(page, name);
  const found = await page.evaluate((n) => {
    let root = window.__chenu!.spatial.root!;
    while (root.parent) root = root.parent;
    const e = root.getObjectByName(n)!.matrixWorld.elements;
    return { at: [e[12]!, e[13]!, e[14]!], origin: [...window.__chenuXR!.origin!.matrixWorld.elements] };
  }, name);
  const local = new Vector3()
    .fromArray(found.at)
    .applyMatrix4(new Matrix4().fromArray(found.origin).invert());
  await page.evaluate(
    ([x, z]) => {
      const device = window.iwerDevice;
      const yaw = Math.atan2(-(x! - device.position.x), -(z! - device.position.z));
      device.quaternion.set(0, Math.sin(yaw / 2), 0, Math.cos(yaw / 2));
    },
    [local.x, local.z] as const,
  );
  await frames(page, 3);
}
