import {
  BufferAttribute,
  BufferGeometry,
  Color,
  DynamicDrawUsage,
  FrontSide,
  Matrix3,
  Matrix4,
  Mesh,
  MeshLambertMaterial,
  Quaternion,
  Ray,
  Sphere,
  Triangle,
  Vector3,
  type Camera,
  type Intersection,
  type Raycaster,
} from 'three';
import { LOD_MAX_ERROR_PX, ViewSample, uploadRange } from '../scene/instanceLod.ts';
import type { ObjectKind } from '../state/RoomFeed.ts';
import type { RoomObjectEntry } from '../state/roomStore.ts';
import { sampleTrack } from '../state/poseTrack.ts';
import { HELD_COLOR, HOVERED_COLOR, OBJECT_LOOKS, SELECTED_COLOR } from './objectKinds.ts';

const _p = new Vector3();
const _q = new Quaternion();
const _s = new Vector3();
const _v = new Vector3();
const _m = new Matrix4();
const _n = new Matrix3();
const _color = new Color();
const _view = new ViewSample();
const _world = new Matrix4();
const _inverse = new Matrix4();
const _local = new Vector3();
const _ray = new Ray();
const _bounds = new Sphere();
const _a = new Vector3();
const _b = new Vector3();
const _c = new Vector3();
const _hit = new Vector3();

/** Level of an object this frame: left out (outside the view), full slab, or its two large faces. */
const CULLED = -1;
const FULL = 0;
const FACES = 1;

export interface ObjectInstances {
  /** One mesh (one draw call) for every object of the kind; intersections carry `instanceId` = index. */
  readonly mesh: Mesh;
  /** Applies a membership, selection or hover change: counts and colours. Not per frame. */
  setMembers(objects: readonly RoomObjectEntry[], selectedId: string | null, hoveredId?: string | null): void;
  /** Matrix of object `index` as last written (room space). */
  getMatrixAt(index: number, target: Matrix4): Matrix4;
  /** Colour of object `index` as last written. */
  getColorAt(index: number, target: Color): Color;
  /** Number of objects drawn at full detail and as two faces in the last frame (others were culled). */
  readonly drawn: { full: number; faces: number };
  /**
   * Interpolates moved objects to `nowMs` and rewrites only their vertices; leaves out objects outside
   * `camera`'s view and draws those thinner than LOD_MAX_ERROR_PX on a render target `heightPx` high as
   * their two large faces. Allocation-free.
   */
  update(objects: readonly RoomObjectEntry[], nowMs: number, camera: Camera, heightPx: number): void;
  dispose(): void;
}

/** Triangles (as index triples) of `geometry` whose normal lies along axis `axis` (0 x, 1 y, 2 z). */
function trianglesAcross(geometry: BufferGeometry, axis: number): Uint32Array {
  const index = geometry.index!;
  const normal = geometry.getAttribute('normal');
  const kept: number[] = [];
  for (let t = 0; t < index.count; t += 3) {
    const a = index.getX(t);
    if (Math.abs(normal.getComponent(a, axis)) > 0.9) kept.push(a, index.getX(t + 1), index.getX(t + 2));
  }
  return Uint32Array.from(kept);
}

/**
 * All objects of one kind in one draw call. The kind's slab is copied once per object into a vertex
 * buffer in room space (object i owns vertices [i*V, (i+1)*V)), so the GPU draws one plain mesh instead
 * of one instance per object: software rasterisers (SwiftShader) run an instanced draw once per instance,
 * and GPUs fill their vertex waves poorly with 24-vertex instances. A moved object rewrites only its own
 * vertices (an update range); the index buffer lists the objects in view, each at its level of detail,
 * and is rebuilt only when that set changes.
 */
export function createObjectInstances(kind: ObjectKind, capacity: number): ObjectInstances {
  const look = OBJECT_LOOKS[kind];
  const template = look.geometry;
  if (!template.index) throw new Error(`createObjectInstances: ${kind} geometry must be indexed`);
  const templatePositions = template.getAttribute('position');
  const templateNormals = template.getAttribute('normal');
  const vertices = templatePositions.count;
  const fullIndex = Uint32Array.from(template.index.array);
  template.computeBoundingBox();
  template.computeBoundingSphere();
  const size = template.boundingBox!.getSize(new Vector3());
  const thinAxis = size.x <= size.y && size.x <= size.z ? 0 : size.y <= size.z ? 1 : 2;
  const thickness = size.getComponent(thinAxis);
  const facesIndex = trianglesAcross(template, thinAxis);
  const radius = template.boundingSphere!.center.length() + template.boundingSphere!.radius;

  const positions = new BufferAttribute(new Float32Array(capacity * vertices * 3), 3);
  const normals = new BufferAttribute(new Float32Array(capacity * vertices * 3), 3);
  const colors = new BufferAttribute(new Float32Array(capacity * vertices * 3), 3);
  const index = new BufferAttribute(new Uint32Array(capacity * fullIndex.length), 1);
  index.setUsage(DynamicDrawUsage);
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', positions);
  geometry.setAttribute('normal', normals);
  geometry.setAttribute('color', colors);
  geometry.setIndex(index);
  geometry.setDrawRange(0, 0);
  // Lambert: matte slabs under a hemisphere + a directional light and no environment map, where PBR only
  // adds a faint specular lobe, at a fraction of PBR's per-pixel cost
  const material = new MeshLambertMaterial({ vertexColors: true });
  const mesh = new Mesh(geometry, material);
  mesh.name = `objects-${kind}`;
  // objects are culled one by one below
  mesh.frustumCulled = false;
  const ranges = {
    index: { start: 0, count: 0 },
    position: { start: 0, count: 0 },
    normal: { start: 0, count: 0 },
  };
  const matrices = new Float32Array(capacity * 16);
  const levels = new Int8Array(capacity).fill(CULLED);
  const drawn = { full: 0, faces: 0 };
  let count = 0;
  let dirtyAll = true;

  const box = template.boundingBox!;
  const boxCenter = box.getCenter(new Vector3());
  const boxSpan = size.clone().max(new Vector3(1e-4, 1e-4, 1e-4));
  // Picking sees every object, not the index's subset in view of the last camera: an XR controller's
  // ray (or a second camera) may point at an object the head does not see. Each object's bounding
  // sphere first, then its whole slab's triangles; `instanceId` is the object's index.
  mesh.raycast = function raycast(raycaster: Raycaster, intersects: Intersection[]) {
    _ray.copy(raycaster.ray).applyMatrix4(_inverse.copy(this.matrixWorld).invert());
    const backfaceCulling = material.side === FrontSide;
    for (let i = 0; i < count; i++) {
      _world.fromArray(matrices, i * 16);
      const scale = _world.getMaxScaleOnAxis();
      if (scale === 0) continue; // a member not written yet
      if (!_ray.intersectsSphere(_bounds.set(_p.setFromMatrixPosition(_world), radius * scale))) continue;
      const base = i * vertices;
      for (let t = 0; t < fullIndex.length; t += 3) {
        const a = base + fullIndex[t]!;
        const b = base + fullIndex[t + 1]!;
        const c = base + fullIndex[t + 2]!;
        _a.fromBufferAttribute(positions, a);
        _b.fromBufferAttribute(positions, b);
        _c.fromBufferAttribute(positions, c);
        if (!_ray.intersectTriangle(_a, _b, _c, backfaceCulling, _hit)) continue;
        const point = _hit.clone().applyMatrix4(this.matrixWorld);
        const distance = raycaster.ray.origin.distanceTo(point);
        if (distance < raycaster.near || distance > raycaster.far) continue;
        const normal = Triangle.getNormal(_a, _b, _c, new Vector3());
        intersects.push({
          distance,
          point,
          object: this,
          face: { a, b, c, normal, materialIndex: 0 },
          faceIndex: t / 3,
          instanceId: i,
        });
      }
    }
  };
  // XR grab pointers (pmndrs pointer-events) test a sphere against a plain mesh's whole bounding box:
  // the batch's box spans the room, so a controller anywhere inside it would "touch" the batch at
  // distance 0, win over the ray pointer and never say which object. Test each object's own box instead.
  mesh.spherecast = function spherecast(sphere: Sphere, intersects: Intersection[]) {
    for (let i = 0; i < count; i++) {
      _world.fromArray(matrices, i * 16).premultiply(this.matrixWorld);
      const scale = _world.getMaxScaleOnAxis();
      if (scale === 0) continue; // a member not written yet
      _p.setFromMatrixPosition(_world);
      const reach = sphere.radius + radius * scale;
      if (_p.distanceToSquared(sphere.center) > reach * reach) continue;
      _local.copy(sphere.center).applyMatrix4(_inverse.copy(_world).invert());
      const normal = new Vector3().subVectors(_local, boxCenter).divide(boxSpan);
      const point = box.clampPoint(_local, new Vector3()).applyMatrix4(_world);
      const distance = point.distanceTo(sphere.center);
      if (distance > sphere.radius) continue;
      // the face the centre lies beyond, as the pointer-events library does for instanced meshes
      const ax = Math.abs(normal.x);
      const ay = Math.abs(normal.y);
      const az = Math.abs(normal.z);
      if (ax >= ay && ax >= az) normal.set(Math.sign(normal.x) || 1, 0, 0);
      else if (ay >= az) normal.set(0, Math.sign(normal.y) || 1, 0);
      else normal.set(0, 0, Math.sign(normal.z) || 1);
      const first = i * vertices;
      intersects.push({
        distance,
        point,
        object: this,
        instanceId: i,
        normal,
        face: { a: first, b: first, c: first, materialIndex: 0, normal },
      });
    }
  };

  const writeObject = (i: number, matrix: Matrix4) => {
    matrix.toArray(matrices, i * 16);
    _n.getNormalMatrix(matrix);
    const base = i * vertices;
    for (let v = 0; v < vertices; v++) {
      _v.fromBufferAttribute(templatePositions, v).applyMatrix4(matrix);
      positions.setXYZ(base + v, _v.x, _v.y, _v.z);
      _v.fromBufferAttribute(templateNormals, v).applyMatrix3(_n).normalize();
      normals.setXYZ(base + v, _v.x, _v.y, _v.z);
    }
  };

  const rebuildIndex = () => {
    const out = index.array as Uint32Array;
    let n = 0;
    drawn.full = drawn.faces = 0;
    for (let i = 0; i < count; i++) {
      const level = levels[i];
      if (level === CULLED) continue;
      const triangles = level === FULL ? fullIndex : facesIndex;
      if (level === FULL) drawn.full++;
      else drawn.faces++;
      const base = i * vertices;
      for (let k = 0; k < triangles.length; k++) out[n++] = base + triangles[k]!;
    }
    geometry.setDrawRange(0, n);
    if (n > 0) uploadRange(index, ranges.index, 0, n);
  };

  return {
    mesh,
    drawn,
    setMembers(objects, selectedId, hoveredId = null) {
      if (objects.length > capacity) {
        throw new RangeError(
          `createObjectInstances: ${objects.length} ${kind} objects exceed capacity ${capacity}`,
        );
      }
      for (let i = 0; i < objects.length; i++) {
        const o = objects[i]!;
        _color.set(
          o.id === selectedId
            ? SELECTED_COLOR
            : o.heldBy
              ? HELD_COLOR
              : o.id === hoveredId
                ? HOVERED_COLOR
                : look.color,
        );
        for (let v = i * vertices; v < (i + 1) * vertices; v++)
          colors.setXYZ(v, _color.r, _color.g, _color.b);
      }
      colors.clearUpdateRanges();
      colors.needsUpdate = true;
      count = objects.length;
      dirtyAll = true;
    },
    getMatrixAt(i, target) {
      return target.fromArray(matrices, i * 16);
    },
    getColorAt(i, target) {
      return target.fromBufferAttribute(colors, i * vertices);
    },
    update(objects, nowMs, camera, heightPx) {
      _view.update(camera, heightPx);
      let low = Infinity;
      let high = -1;
      let levelsChanged = dirtyAll;
      for (let i = 0; i < objects.length; i++) {
        const track = objects[i]!.track;
        const c = track.current;
        if (sampleTrack(track, nowMs) || dirtyAll) {
          _p.set(c[0]!, c[1]!, c[2]!);
          _q.set(c[3]!, c[4]!, c[5]!, c[6]!);
          _s.setScalar(c[7]!);
          writeObject(i, _m.compose(_p, _q, _s));
          if (i < low) low = i;
          high = i;
        }
        _p.set(c[0]!, c[1]!, c[2]!);
        const scale = c[7]!;
        const level = !_view.sees(_p, radius * scale)
          ? CULLED
          : _view.sizePx(_p, thickness * scale) <= LOD_MAX_ERROR_PX
            ? FACES
            : FULL;
        if (levels[i] !== level) {
          levels[i] = level;
          levelsChanged = true;
        }
      }
      dirtyAll = false;
      if (levelsChanged) rebuildIndex();
      if (high < low) return;
      const start = low * vertices * 3;
      const count = (high - low + 1) * vertices * 3;
      uploadRange(positions, ranges.position, start, count);
      uploadRange(normals, ranges.normal, start, count);
      // picking recomputes its sphere over the moved vertices on next use
      geometry.boundingSphere = null;
      geometry.boundingBox = null;
    },
    dispose() {
      material.dispose();
      geometry.dispose();
    },
  };
}
