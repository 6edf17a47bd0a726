import {
  Frustum,
  Matrix4,
  PlaneGeometry,
  Sphere,
  Vector2,
  Vector3,
  type BufferGeometry,
  type Camera,
  type Color,
  type InstancedBufferAttribute,
  type InstancedMesh,
  type WebGLRenderer,
} from 'three';
import { mergeGeometries } from 'three/addons/utils/BufferGeometryUtils.js';

/**
 * Largest on-screen deviation, in pixels, a coarser level of detail may add to a part's silhouette.
 * Half a pixel: below what the rasteriser (even with 4x MSAA) can show, so LOD changes are invisible.
 */
export const LOD_MAX_ERROR_PX = 0.5;

/**
 * Extra radius, in metres, of the spheres tested against the view frustum: the frame loop runs before
 * the renderer applies this frame's (XR) camera pose, so parts at the edge stay drawn while the head turns.
 */
export const CULL_MARGIN_M = 0.25;

const _size = new Vector2();
const _viewProjection = new Matrix4();
const _sphere = new Sphere();

/** Height in pixels of what the renderer draws into: the XR layer while presenting, else the canvas. */
export function renderHeightPx(gl: WebGLRenderer): number {
  if (gl.xr.isPresenting) {
    const layer = gl.xr.getBaseLayer();
    if (layer) return 'framebufferHeight' in layer ? layer.framebufferHeight : layer.textureHeight;
  }
  return gl.getDrawingBufferSize(_size).y;
}

/**
 * Where parts are seen from this frame: the camera's position, its frustum and how many pixels one metre
 * covers at one metre from it. Filled by `update`, read per instance; allocates nothing per frame.
 */
export class ViewSample {
  readonly position = new Vector3();
  readonly frustum = new Frustum();
  /** Pixels per metre at distance 1: projected size in px = size in m * pxPerMetre / distance. */
  pxPerMetre = 0;

  update(camera: Camera, heightPx: number): this {
    camera.updateMatrixWorld();
    this.position.setFromMatrixPosition(camera.matrixWorld);
    this.frustum.setFromProjectionMatrix(
      _viewProjection.multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse),
    );
    // elements[5] of a perspective projection is 1 / tan(fovY / 2): height px / (2 tan(fovY / 2)) per metre
    this.pxPerMetre = (camera.projectionMatrix.elements[5]! * heightPx) / 2;
    return this;
  }

  /** Whether a sphere of `radius` metres at `center` may be on screen (with CULL_MARGIN_M). */
  sees(center: Vector3, radius: number): boolean {
    return this.frustum.intersectsSphere(_sphere.set(center, radius + CULL_MARGIN_M));
  }

  /** On-screen size in pixels of `metres` at `center`. */
  sizePx(center: Vector3, metres: number): number {
    const distance = Math.max(center.distanceTo(this.position), 1e-3);
    return (metres * this.pxPerMetre) / distance;
  }
}

/**
 * Silhouette error of a UV sphere with `widthSegments` x `heightSegments` as a fraction of its radius:
 * the sag of the widest chord (longitude steps 2π/w, latitude steps π/h).
 */
export function sphereSagFraction(widthSegments: number, heightSegments: number): number {
  return Math.max(1 - Math.cos(Math.PI / widthSegments), 1 - Math.cos(Math.PI / (2 * heightSegments)));
}

/**
 * Index of the coarsest level whose error stays within LOD_MAX_ERROR_PX: `maxSizePx[l]` is the largest
 * on-screen size (px) level l may be drawn at; levels run from finest (0, Infinity) to coarsest.
 */
export function lodLevelFor(sizePx: number, maxSizePx: readonly number[]): number {
  for (let level = maxSizePx.length - 1; level > 0; level--) if (sizePx <= maxSizePx[level]!) return level;
  return 0;
}

/** An update range kept by its owner, so marking a buffer span for upload allocates nothing per frame. */
export interface UpdateRange {
  start: number;
  count: number;
}

/** Uploads only `count` items from `start` of `attribute` on next render (three clears ranges after). */
export function uploadRange(
  attribute: { updateRanges: UpdateRange[]; needsUpdate: boolean; clearUpdateRanges(): void },
  range: UpdateRange,
  start: number,
  count: number,
): void {
  attribute.clearUpdateRanges();
  range.start = start;
  range.count = count;
  attribute.updateRanges.push(range);
  attribute.needsUpdate = true;
}

/**
 * A thin box reduced to its two large faces (the box's faces across its thinnest axis, y or z), for when
 * the thickness is under LOD_MAX_ERROR_PX on screen: 4 triangles instead of 12, same silhouette.
 */
export function slabFacesGeometry(width: number, height: number, depth: number, thinAxis: 'y' | 'z') {
  const across = thinAxis === 'z' ? height : depth;
  const thickness = thinAxis === 'z' ? depth : height;
  const front = new PlaneGeometry(width, across);
  const back = new PlaneGeometry(width, across).rotateY(Math.PI);
  if (thinAxis === 'y') {
    front.rotateX(-Math.PI / 2);
    back.rotateX(-Math.PI / 2);
    front.translate(0, thickness / 2, 0);
    back.translate(0, -thickness / 2, 0);
  } else {
    front.translate(0, 0, thickness / 2);
    back.translate(0, 0, -thickness / 2);
  }
  const faces = mergeGeometries([front, back]) as BufferGeometry;
  front.dispose();
  back.dispose();
  return faces;
}

/**
 * The instances one InstancedMesh draws this frame, refilled every frame in order (LOD level, culling):
 * a slot's matrix and colour are written only when it gets another occupant or its occupant moved, and
 * only the changed span of the instance buffers is uploaded. `extras` are further per-instance
 * attributes of the mesh's geometry that the caller writes at `slot` after a `write`; their changed
 * span is uploaded with the matrices'.
 */
export class InstanceBucket {
  readonly mesh: InstancedMesh;
  readonly extras: readonly InstancedBufferAttribute[];
  /** Occupant (caller's entry index) of each slot as last written; -1 when none. */
  private readonly occupants: Int32Array;
  private readonly matrixRange: UpdateRange = { start: 0, count: 0 };
  private readonly colorRange: UpdateRange = { start: 0, count: 0 };
  private readonly extraRanges: readonly UpdateRange[];
  private next = 0;
  private low = Infinity;
  private high = -1;

  constructor(mesh: InstancedMesh, extras: readonly InstancedBufferAttribute[] = []) {
    this.mesh = mesh;
    this.extras = extras;
    this.extraRanges = extras.map(() => ({ start: 0, count: 0 }));
    this.occupants = new Int32Array(mesh.instanceMatrix.count).fill(-1);
    mesh.count = 0;
    mesh.visible = false;
    // instances move and are culled one by one here: no culling sphere over all of them
    mesh.frustumCulled = false;
  }

  get count(): number {
    return this.next;
  }

  /** Entry index drawn by `slot` (for picking), -1 when none. */
  occupantOf(slot: number): number {
    return slot < this.mesh.count ? this.occupants[slot]! : -1;
  }

  begin(): void {
    this.next = 0;
    this.low = Infinity;
    this.high = -1;
  }

  /** Takes the next slot for `entry`; true when the caller must `write` it (new occupant or `moved`). */
  claim(entry: number, moved: boolean): boolean {
    const slot = this.next++;
    if (slot >= this.occupants.length) {
      throw new RangeError(`InstanceBucket ${this.mesh.name}: more than ${this.occupants.length} instances`);
    }
    if (this.occupants[slot] === entry && !moved) return false;
    this.occupants[slot] = entry;
    if (slot < this.low) this.low = slot;
    if (slot > this.high) this.high = slot;
    return true;
  }

  /** The slot just claimed (where the caller writes its `extras`). */
  get slot(): number {
    return this.next - 1;
  }

  /** Writes the slot just claimed. */
  write(matrix: Matrix4, color?: Color): void {
    const slot = this.next - 1;
    this.mesh.setMatrixAt(slot, matrix);
    if (color) this.mesh.setColorAt(slot, color);
  }

  /** Forgets every occupant, so the next frame rewrites all slots (after a membership change). */
  invalidate(): void {
    this.occupants.fill(-1);
  }

  end(): void {
    const mesh = this.mesh;
    mesh.count = this.next;
    mesh.visible = this.next > 0;
    if (this.high < this.low) return;
    const span = this.high - this.low + 1;
    uploadRange(mesh.instanceMatrix, this.matrixRange, this.low * 16, span * 16);
    if (mesh.instanceColor) uploadRange(mesh.instanceColor, this.colorRange, this.low * 3, span * 3);
    for (let i = 0; i < this.extras.length; i++) {
      const extra = this.extras[i]!;
      uploadRange(extra, this.extraRanges[i]!, this.low * extra.itemSize, span * extra.itemSize);
    }
  }
}
