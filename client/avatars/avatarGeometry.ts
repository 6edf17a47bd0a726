import { BoxGeometry, CircleGeometry, PlaneGeometry, SphereGeometry } from 'three';

/** Shared geometries of the avatar parts, sized in metres; built once per module. */
export const headGeometry = new SphereGeometry(0.14, 16, 12);
export const handGeometry = new BoxGeometry(0.08, 0.03, 0.12);
/** Tag quad; its height above the head is TAG_LIFT_M. */
export const tagGeometry = new PlaneGeometry(0.44, 0.11);
export const speakingGeometry = new CircleGeometry(0.035, 16);
export const TAG_LIFT_M = 0.3;
/** Indicator sits left of the tag. */
export const SPEAKING_OFFSET_M = -0.27;
