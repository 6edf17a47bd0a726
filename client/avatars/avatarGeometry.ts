import { BoxGeometry, CircleGeometry, PlaneGeometry, SphereGeometry } from 'three';
import { LOD_MAX_ERROR_PX, slabFacesGeometry, sphereSagFraction } from '../scene/instanceLod.ts';

/** Shared geometries of the avatar parts, sized in metres; built once per module. */
export const HEAD_RADIUS_M = 0.14;
export const headGeometry = new SphereGeometry(HEAD_RADIUS_M, 16, 12);
export const HAND_SIZE_M = { width: 0.08, thickness: 0.03, length: 0.12 } as const;
export const handGeometry = new BoxGeometry(HAND_SIZE_M.width, HAND_SIZE_M.thickness, HAND_SIZE_M.length);
/** Tag quad; its height above the head is TAG_LIFT_M. */
export const tagGeometry = new PlaneGeometry(0.44, 0.11);
export const speakingGeometry = new CircleGeometry(0.035, 16);
export const TAG_LIFT_M = 0.3;
/** Indicator sits left of the tag. */
export const SPEAKING_OFFSET_M = -0.27;

/** Head levels of detail, finest first: the full sphere, then coarser ones for small on-screen heads. */
const HEAD_SEGMENTS: readonly (readonly [number, number])[] = [
  [16, 12],
  [8, 4],
  [6, 3],
];
export const headLodGeometries = HEAD_SEGMENTS.map(([w, h], level) =>
  level === 0 ? headGeometry : new SphereGeometry(HEAD_RADIUS_M, w, h),
);
/**
 * Largest on-screen head radius (px) each level may be drawn at, so its silhouette stays within
 * LOD_MAX_ERROR_PX of the finest sphere's.
 */
export const headLodMaxRadiusPx = HEAD_SEGMENTS.map(([w, h], level) =>
  level === 0 ? Infinity : LOD_MAX_ERROR_PX / sphereSagFraction(w, h),
);
/** A hand as its top and bottom faces, for when its thickness is under LOD_MAX_ERROR_PX on screen. */
export const handFacesGeometry = slabFacesGeometry(
  HAND_SIZE_M.width,
  HAND_SIZE_M.thickness,
  HAND_SIZE_M.length,
  'y',
);
