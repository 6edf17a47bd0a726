import { Quaternion } from 'three';
import { describe, expect, it } from 'vitest';
import {
  createPoseTrack,
  retargetTrack,
  sampleTrack,
  snapTrack,
  writePose,
} from '../../../client/state/poseTrack.ts';

const yaw = (rad: number) => ({
  x: 0,
  y: 0,
  z: 0,
  qx: 0,
  qy: Math.sin(rad / 2),
  qz: 0,
  qw: Math.cos(rad / 2),
});

describe('poseTrack', () => {
  it('interpolates position linearly and rotation by slerp over the patch interval', () => {
    const track = createPoseTrack(1);
    writePose(track.to, 0, yaw(0));
    snapTrack(track);
    sampleTrack(track, 0);
    retargetTrack(track, 1000, 50);
    writePose(track.to, 0, { ...yaw(Math.PI / 2), x: 2 });
    expect(sampleTrack(track, 1025)).toBe(true);
    expect(track.current[0]).toBeCloseTo(1, 5);
    const q = new Quaternion(track.current[3], track.current[4], track.current[5], track.current[6]);
    expect(q.angleTo(new Quaternion(0, Math.sin(Math.PI / 8), 0, Math.cos(Math.PI / 8)))).toBeLessThan(1e-3);
    expect(sampleTrack(track, 1060)).toBe(true);
    expect(track.current[0]).toBeCloseTo(2, 5);
    expect(track.settled).toBe(true);
    expect(sampleTrack(track, 1070)).toBe(false);
  });

  it('retargets from where the pose is drawn now, so an early patch does not jump', () => {
    const track = createPoseTrack(1, 1);
    writePose(track.to, 0, yaw(0));
    track.to[7] = 1;
    snapTrack(track);
    retargetTrack(track, 0, 100);
    writePose(track.to, 0, { ...yaw(0), x: 10 });
    track.to[7] = 3;
    sampleTrack(track, 50); // halfway: x = 5, scale = 2
    retargetTrack(track, 50, 100);
    writePose(track.to, 0, { ...yaw(0), x: 0 });
    sampleTrack(track, 50);
    expect(track.current[0]).toBeCloseTo(5, 5);
    expect(track.current[7]).toBeCloseTo(2, 5);
    sampleTrack(track, 100);
    expect(track.current[0]).toBeCloseTo(2.5, 5);
  });
});
