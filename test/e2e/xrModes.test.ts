/**
 * VR and AR modes end to end (Chromium + IWER Quest 3 with a synthetic floor, real stack of this file):
 * entering VR keeps the desktop spot and heading, right-stick snap turns, left-stick walk, teleport to
 * the pointed floor spot, a ray grab from a distance seen by a second context, then AR: passthrough
 * (transparent clear, no floor or grid), hit-test placement and a persisted anchor.
 */
import { Matrix4, Quaternion, Ray, Vector3 } from 'three';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { XRDebugHandle } from '../../client/xr/xrRuntime.tsx';
import { useClientStack } from './clientStack.ts';
import { emulateQuest3, frames, screenshotPath, syntheticFloor, useXRBrowser } from './harness.ts';

declare global {
  interface Window {
    __chenuXR?: XRDebugHandle;
  }
}

/** Alice's seeded note of "Rénovation cuisine" (supabase/seed.d/20_domain.sql), at (1.5, 1.2, -1). */
const NOTE_ID = 'a1000000-0000-4000-8000-01b300000004';
const SNAP_TURN_RAD = (30 * Math.PI) / 180; // SNAP_TURN_DEG of client/xr/xrRuntime.tsx
const BACKGROUND = [0xdd, 0xe3, 0xea]; // the room's clear colour (client/app/App.tsx)

const stack = useClientStack('e2e_xr_modes', { realtime: true, timings: { grabLockMs: 60_000 } });
const { client, newContext } = useXRBrowser(stack);
let a: Page; // alice in VR / AR
let b: Page; // alice's second device, desktop

async function openRoomAsAlice(xr: boolean): Promise<Page> {
  // IWER's Synthetic Environment Module, injected by the test (not the app), bundles its own three.js
  const context = await newContext(
    { viewport: { width: 960, height: 600 } },
    xr ? [/Multiple instances of Three\.js being imported/] : [],
  );
  context.setDefaultTimeout(60_000);
  if (xr) await emulateQuest3(context, { environment: syntheticFloor() });
  const page = await context.newPage();
  await page.goto(client().url);
  await page.getByLabel('Email').fill('alice@chenu.local');
  await page.getByLabel('Password').fill('chenu-demo-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: 'Rénovation cuisine' }).click();
  await page.locator('.room-canvas canvas').waitFor();
  await page.waitForFunction(() => window.__chenu?.feed.status.getState().status === 'connected');
  await page.waitForFunction((id) => window.__chenu!.room.findObject(id) !== undefined, NOTE_ID);
  return page;
}

interface Viewer {
  x: number;
  y: number;
  z: number;
  /** 0 looks down -z, positive turns left. */
  yaw: number;
}

/**
 * Where the viewer three rendered last frame is in the room: the midpoint of its eye cameras (the XR
 * ArrayCamera itself sits behind the eyes, where its frustum covers both).
 */
const viewer = (page: Page): Promise<Viewer> =>
  page.evaluate(() => {
    const eyes = (
      window.__chenuXR!.camera as unknown as { cameras: { matrixWorld: { elements: number[] } }[] }
    ).cameras;
    const mean = (k: number) => eyes.reduce((sum, c) => sum + c.matrixWorld.elements[k]!, 0) / eyes.length;
    const e = eyes[0]!.matrixWorld.elements;
    return { x: mean(12), y: mean(13), z: mean(14), yaw: Math.atan2(e[8]!, e[10]!) };
  });

const originMatrix = async (page: Page) =>
  new Matrix4().fromArray(await page.evaluate(() => [...window.__chenuXR!.origin!.matrixWorld.elements]));

/** Angle difference wrapped to (-π, π]. */
const wrap = (r: number) => Math.atan2(Math.sin(r), Math.cos(r));

/**
 * Puts the right controller at room point `from`, its ray pointing along room direction `dir`:
 * IWER poses are in the session's space, the rig's local space, so both go through the origin's inverse.
 */
async function aimRight(page: Page, from: Vector3, dir: Vector3): Promise<void> {
  const origin = await originMatrix(page);
  const inv = origin.clone().invert();
  const local = from.clone().applyMatrix4(inv);
  const rot = new Quaternion().setFromRotationMatrix(new Matrix4().extractRotation(inv));
  const q = new Quaternion().setFromUnitVectors(
    new Vector3(0, 0, -1),
    dir.clone().applyQuaternion(rot).normalize(),
  );
  await page.evaluate(
    ([p, r]) => {
      const right = window.iwerDevice.controllers.right!;
      right.position.set(p[0]!, p[1]!, p[2]!);
      right.quaternion.set(r[0]!, r[1]!, r[2]!, r[3]!);
    },
    [local.toArray(), q.toArray()] as const,
  );
}

const press = (page: Page, hand: 'left' | 'right', button: string, value: number) =>
  page.evaluate(
    ([h, id, v]) => window.iwerDevice.controllers[h as 'left' | 'right']!.updateButtonValue(id, v),
    [hand, button, value] as const,
  );
const stick = (page: Page, hand: 'left' | 'right', x: number, y: number) =>
  page.evaluate(
    ([h, sx, sy]) => window.iwerDevice.controllers[h as 'left' | 'right']!.updateAxes('thumbstick', sx, sy),
    [hand, x, y] as const,
  );

/** RGB of every 24th pixel of a PNG screenshot, decoded by the page. */
async function pixels(page: Page, png: Buffer): Promise<number[][]> {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const out: number[][] = [];
    for (let y = 12; y < bitmap.height; y += 24)
      for (let x = 12; x < bitmap.width; x += 24) {
        const i = (y * bitmap.width + x) * 4;
        out.push([data[i]!, data[i + 1]!, data[i + 2]!]);
      }
    return out;
  }, png.toString('base64'));
}
const isBackground = (p: number[]) => p.every((v, i) => Math.abs(v - BACKGROUND[i]!) <= 3);

describe('XR modes end to end (Chromium + IWER Quest 3, synthetic floor, real stack)', () => {
  let vrShot: Buffer;

  it('enters VR where the desktop view stood, snap-turns, walks and teleports', async () => {
    a = await openRoomAsAlice(true);
    b = await openRoomAsAlice(false);

    // the desktop viewer somewhere in the room, turned: entering VR keeps both
    await a.evaluate(() => {
      Object.assign(window.__chenu!.locomotion.position, { x: 0.5, z: 3 });
      window.__chenu!.locomotion.yaw = 0.4;
    });
    await frames(a, 2);
    await a.getByRole('button', { name: 'Enter VR' }).click();
    await a.waitForFunction(() => window.iwerDevice.activeSession !== undefined, null, { timeout: 20_000 });
    await a.waitForFunction(() => window.__chenuXR?.camera != null);
    await frames(a, 5);
    const entered = await viewer(a);
    expect(entered.x).toBeCloseTo(0.5, 2);
    expect(entered.z).toBeCloseTo(3, 2);
    expect(entered.y).toBeCloseTo(1.6, 2); // IWER's standing headset height above the floor
    expect(wrap(entered.yaw - 0.4)).toBeCloseTo(0, 3);

    // right stick: one flick right turns by exactly SNAP_TURN_DEG about the head, holding does not repeat
    await stick(a, 'right', 1, 0);
    await frames(a, 4);
    const turned = await viewer(a);
    expect(wrap(turned.yaw - (entered.yaw - SNAP_TURN_RAD))).toBeCloseTo(0, 4);
    expect(Math.hypot(turned.x - entered.x, turned.z - entered.z)).toBeLessThan(1e-3);
    await frames(a, 10);
    expect(wrap((await viewer(a)).yaw - turned.yaw)).toBeCloseTo(0, 4);
    await stick(a, 'right', 0, 0);
    await frames(a, 3);
    await stick(a, 'right', -1, 0); // back to centre first, then a flick left turns back
    await frames(a, 4);
    expect(wrap((await viewer(a)).yaw - entered.yaw)).toBeCloseTo(0, 4);
    await stick(a, 'right', 0, 0);
    await frames(a, 3);

    // left stick forward walks level along the view direction
    const before = await viewer(a);
    await stick(a, 'left', 0, -1);
    await frames(a, 12);
    await stick(a, 'left', 0, 0);
    await frames(a, 2);
    const walked = await viewer(a);
    const step = Math.hypot(walked.x - before.x, walked.z - before.z);
    expect(step).toBeGreaterThan(0.05);
    expect(wrap(Math.atan2(-(walked.x - before.x), -(walked.z - before.z)) - before.yaw)).toBeCloseTo(0, 2);
    expect(walked.y).toBeCloseTo(before.y, 3);

    // teleport: the right controller points at the floor ahead, trigger pressed then released
    const heading = new Vector3(-Math.sin(walked.yaw), 0, -Math.cos(walked.yaw));
    const hand = new Vector3(walked.x, 1.2, walked.z).addScaledVector(heading, 0.3);
    await aimRight(a, hand, heading.clone().setY(-0.9).normalize());
    await frames(a, 6);
    await press(a, 'right', 'trigger', 1);
    await frames(a, 4);
    await press(a, 'right', 'trigger', 0);
    await a.waitForFunction(() => window.__chenuXR!.lastTeleport !== null);
    await frames(a, 3);
    const spot = (await a.evaluate(() => window.__chenuXR!.lastTeleport))!;
    const landed = await viewer(a);
    // the pointed spot is on the floor ahead of the controller, and the head is now right above it
    expect(spot.y).toBeCloseTo(0, 1);
    const ahead = new Vector3(spot.x - hand.x, 0, spot.z - hand.z);
    expect(ahead.length()).toBeGreaterThan(0.5);
    expect(ahead.normalize().dot(heading)).toBeGreaterThan(0.99);
    expect(landed.x).toBeCloseTo(spot.x, 2);
    expect(landed.z).toBeCloseTo(spot.z, 2);
    expect(landed.y).toBeCloseTo(walked.y, 2);
    expect(wrap(landed.yaw - walked.yaw)).toBeCloseTo(0, 3);
    await a.screenshot({ path: await screenshotPath('xr-vr-after-teleport') });
    vrShot = await a.screenshot();
  }, 120_000);

  it('grabs a far object with the ray; the move reaches a second context', async () => {
    // ray grab from 1.2 m (beyond the proximity radius), swing the ray 20°, release
    const t = await a.evaluate((id) => [...window.__chenu!.room.findObject(id)!.track.to], NOTE_ID);
    const note = new Vector3(t[0], t[1], t[2]);
    // in front of the card (it faces the room's centre, turned 45° about y), 1.2 m away
    const from = note.clone().add(new Vector3(-Math.SQRT1_2, 0.1, Math.SQRT1_2).multiplyScalar(1.2));
    const near = await a.evaluate(
      ([x, y, z]) =>
        Object.values(window.__chenu!.room.getState().objectsByKind)
          .flat()
          .filter((o) => Math.hypot(o.track.to[0]! - x!, o.track.to[1]! - y!, o.track.to[2]! - z!) < 0.7)
          .length,
      from.toArray(),
    );
    expect(near).toBe(0); // nothing in reach of a proximity grab: only the ray can take it
    await aimRight(a, from, note.clone().sub(from).normalize());
    await frames(a, 6);
    await press(a, 'right', 'trigger', 1);
    await a.waitForFunction(
      (id) => window.__chenu!.room.findObject(id)?.heldBy === window.__chenu!.feed.selfId,
      NOTE_ID,
    );
    const swung = note
      .clone()
      .sub(from)
      .normalize()
      .applyAxisAngle(new Vector3(0, 1, 0), (20 * Math.PI) / 180);
    await aimRight(a, from, swung);
    await frames(a, 10);
    await press(a, 'right', 'trigger', 0);
    await frames(a, 3);
    const moved = await a.evaluate((id) => [...window.__chenu!.room.findObject(id)!.track.to], NOTE_ID);
    const at = new Vector3(moved[0], moved[1], moved[2]);
    expect(at.distanceTo(note)).toBeGreaterThan(0.3);
    // it followed the ray: on the swung ray, at the grabbed distance (within the card's half size)
    expect(new Ray(from, swung).distanceToPoint(at)).toBeLessThan(0.15);
    expect(Math.abs(at.distanceTo(from) - note.distanceTo(from))).toBeLessThan(0.15);
    // the second context sees it there, free again
    await b.waitForFunction(
      ({ id, x, y, z }) => {
        const o = window.__chenu!.room.findObject(id);
        return (
          !!o &&
          o.heldBy === null &&
          Math.abs(o.track.to[0]! - x) < 0.01 &&
          Math.abs(o.track.to[1]! - y) < 0.01 &&
          Math.abs(o.track.to[2]! - z) < 0.01
        );
      },
      { id: NOTE_ID, x: at.x, y: at.y, z: at.z },
    );
    await a.screenshot({ path: await screenshotPath('xr-vr-after-ray-grab') });
  }, 90_000);

  it('leaves VR where the headset was, then in AR clears to passthrough and places + anchors on the hit test', async () => {
    const last = await viewer(a);
    await a.evaluate(() => window.iwerDevice.activeSession!.end());
    await a.getByRole('button', { name: 'Enter AR' }).waitFor();
    const loc = await a.evaluate(() => {
      const l = window.__chenu!.locomotion;
      return { x: l.position.x, z: l.position.z, yaw: l.yaw };
    });
    expect(loc.x).toBeCloseTo(last.x, 2);
    expect(loc.z).toBeCloseTo(last.z, 2);
    expect(wrap(loc.yaw - last.yaw)).toBeCloseTo(0, 3);

    await a.getByRole('button', { name: 'Enter AR' }).click();
    await a.waitForFunction(() => window.iwerDevice.activeSession !== undefined, null, { timeout: 20_000 });
    await a.waitForFunction(() => window.__chenuXR!.store.getState().mode === 'immersive-ar');
    await frames(a, 8);
    const inAR = await viewer(a);
    expect(inAR.x).toBeCloseTo(last.x, 2);
    expect(inAR.z).toBeCloseTo(last.z, 2);
    expect(wrap(inAR.yaw - last.yaw)).toBeCloseTo(0, 3);

    // passthrough: no floor, no grid, no teleport floor; where VR showed the room's clear colour
    // the emulated camera view behind the canvas shows through
    const sceneNames = await a.evaluate(() => {
      let root = window.__chenu!.spatial.root!;
      while (root.parent) root = root.parent;
      const names: string[] = [];
      root.traverse((o) => void names.push(o.type === 'GridHelper' ? 'grid' : o.name));
      return names;
    });
    expect(sceneNames).not.toContain('floor');
    expect(sceneNames).not.toContain('grid');
    expect(sceneNames).not.toContain('teleport-floor');
    const arShot = await a.screenshot({ path: await screenshotPath('xr-ar-passthrough') });
    const [vr, ar] = [await pixels(a, vrShot), await pixels(a, arShot)];
    const cleared = vr.flatMap((p, i) => (isBackground(p) ? [i] : []));
    expect(cleared.length).toBeGreaterThan(50);
    expect(cleared.filter((i) => isBackground(ar[i]!))).toEqual([]);

    // hit test: the right ray points down at the real floor; select places the selected object there
    await a.evaluate((id) => window.__chenu!.room.select(id), NOTE_ID);
    const hand = new Vector3(inAR.x, 1.2, inAR.z).add(
      new Vector3(-Math.sin(inAR.yaw), 0, -Math.cos(inAR.yaw)).multiplyScalar(0.3),
    );
    const dir = new Vector3(-Math.sin(inAR.yaw), -1.2, -Math.cos(inAR.yaw)).normalize();
    await aimRight(a, hand, dir);
    // the floor is y = 0 of the session's space, which the rig keeps at the room's y = 0
    const expected = new Ray(hand, dir).at(hand.y / -dir.y, new Vector3());
    await frames(a, 6);
    await press(a, 'right', 'trigger', 1);
    await frames(a, 3);
    await press(a, 'right', 'trigger', 0);
    await b.waitForFunction(
      ({ id, x, y, z }) => {
        const o = window.__chenu!.room.findObject(id);
        return (
          !!o &&
          window.__chenu!.room.getState().anchors.some((an) => an.objectId === id) &&
          Math.abs(o.track.to[0]! - x) < 0.01 &&
          Math.abs(o.track.to[1]! - y) < 0.01 &&
          Math.abs(o.track.to[2]! - z) < 0.01
        );
      },
      { id: NOTE_ID, x: expected.x, y: expected.y, z: expected.z },
    );
    // the anchor (labelled for the note: the room has no object field on anchors) and the note are
    // persisted where the hit test put them; the room writes behind, writeBehindMs after the change
    const persisted = () => stack.sql()<{ anchor: number[]; note: number[] }[]>`
      select a.position as anchor, o.position as note
        from public.spatial_anchors a join public.spatial_objects o on o.id = ${NOTE_ID}::uuid
       where a.label = ${`object:${NOTE_ID}`}`;
    const near = (v: number[]) => v.every((c, i) => Math.abs(c - expected.getComponent(i)) < 0.01);
    await expect
      .poll(async () => (await persisted()).map((r) => [near(r.anchor), near(r.note)]), { timeout: 10_000 })
      .toEqual([[true, true]]);
    await a.screenshot({ path: await screenshotPath('xr-ar-placed') });
  }, 90_000);
});
