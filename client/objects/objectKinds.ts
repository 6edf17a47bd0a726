import { BoxGeometry, type BufferGeometry } from 'three';
import type { ObjectKind } from '../state/RoomFeed.ts';

/** How each kind of room object looks: a thin slab sized in metres, and its base colour. */
export const OBJECT_LOOKS: Readonly<
  Record<ObjectKind, { readonly geometry: BufferGeometry; readonly color: string }>
> = {
  'thread-panel': { geometry: new BoxGeometry(0.9, 0.6, 0.03), color: '#e8eef7' },
  'workspace-panel': { geometry: new BoxGeometry(1.2, 0.7, 0.03), color: '#dfe9e1' },
  'memory-card': { geometry: new BoxGeometry(0.3, 0.4, 0.01), color: '#f4e3c1' },
  note: { geometry: new BoxGeometry(0.25, 0.25, 0.005), color: '#fff59d' },
};

export const SELECTED_COLOR = '#ff9800';
/** Under the pointer: a lighter shade of the selection colour, so hover and selection read apart. */
export const HOVERED_COLOR = '#ffd08a';
export const HELD_COLOR = '#42a5f5';
