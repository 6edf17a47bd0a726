import { PerspectiveCamera, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import {
  EYE_HEIGHT_M,
  WALK_SPEED_MPS,
  applyLocomotion,
  createLocomotion,
  turn,
} from '../../../client/controls/locomotion.ts';

describe('locomotion', () => {
  it('walks forward along the view direction at walking speed, with the camera at eye height', () => {
    const loc = createLocomotion(0, 0);
    const camera = new PerspectiveCamera();
    loc.forward = 1;
    applyLocomotion(loc, camera, 0.05);
    expect(loc.position.z).toBeCloseTo(-WALK_SPEED_MPS * 0.05, 6);
    expect(camera.position.y).toBeCloseTo(EYE_HEIGHT_M, 6);
    turn(loc, -(Math.PI / 2) / 0.004, 0); // drag left by a quarter turn
    applyLocomotion(loc, camera, 0.05);
    expect(loc.position.x).toBeCloseTo(-WALK_SPEED_MPS * 0.05, 6);
    const look = new Vector3(0, 0, -1).applyQuaternion(camera.quaternion);
    expect(look.x).toBeCloseTo(-1, 5);
  });

  it('clamps pitch short of straight up and caps diagonal speed', () => {
    const loc = createLocomotion(0, 0);
    turn(loc, 0, -100_000);
    expect(loc.pitch).toBeLessThan(Math.PI / 2);
    loc.forward = 1;
    loc.right = 1;
    applyLocomotion(loc, new PerspectiveCamera(), 0.1);
    expect(Math.hypot(loc.position.x, loc.position.z)).toBeCloseTo(WALK_SPEED_MPS * 0.1, 6);
  });
});
