/**
 * IWER controller presses on named 3D objects, as test/e2e/xrParity.test.ts does them (the same
 * approach, exported so the rooms suite can use it without reaching into another suite's file).
 */
import { Matrix4, Quaternion, Vector3 } from 'three';
import type { Page } from 'playwright-core';
import { frames } from './harness.ts';

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

/**
 * Presses the 3D button named `name` with the right controller: the controller 30 cm in front of it,
 * its ray along the panel's normal, trigger pulled and released. IWER poses are in the session's
 * space, the rig's local space, so they go through the origin's inverse.
 */
export async function pressNamed(page: Page, name: string): Promise<void> {
  await namedPlaced(page, name);
  const found = await page.evaluate((n) => {
    let root = window.__chenu!.spatial.root!;
    while (root.parent) root = root.parent;
    const target = root.getObjectByName(n)!;
    const e = target.matrixWorld.elements;
    const normal = [e[8]!, e[9]!, e[10]!];
    const length = Math.hypot(...normal);
    return {
      at: [e[12]!, e[13]!, e[14]!],
      normal: normal.map((v) => v / length),
      origin: [...window.__chenuXR!.origin!.matrixWorld.elements],
    };
  }, name);
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

/** Types lower-case `text` (letters and spaces) on the virtual keyboard. */
export async function typeOnKeyboard(page: Page, text: string): Promise<void> {
  for (const char of text) await pressNamed(page, char === ' ' ? 'xr-key-space' : `xr-key-${char}`);
}
