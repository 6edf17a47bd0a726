import { Component } from '@pmndrs/uikit';
import { useFrame, useThree } from '@react-three/fiber';
import { createContext, useContext, useEffect, useState, type RefObject } from 'react';
import { pixelsPerMetreAtOneMetre } from './textLod.ts';
import type { Matrix4 } from 'three';
import {
  Color,
  LinearMipmapLinearFilter,
  Mesh,
  MeshBasicMaterial,
  OrthographicCamera,
  PlaneGeometry,
  Quaternion,
  SRGBColorSpace,
  Vector3,
  WebGLRenderTarget,
  type Camera,
  type Object3D,
  type WebGLRenderer,
} from 'three';

/**
 * The layer a baked panel's drawn parts live on: no camera of the room renders it, only the bake's.
 * Pointer rays are untouched: uikit's drawn meshes (panel instances, glyphs) never take rays, its
 * components (which do) stay on layer 0.
 */
export const BAKE_LAYER = 30;
/**
 * Texels per uikit pixel of a baked panel: 2 for the headset panels (text stays sharp at arm's
 * length), 1 for the room's boards, walls and signs, seen from metres away.
 */
export const BAKE_TEXELS_PER_PX = { near: 2, far: 1 } as const;
/** Largest side of a bake's texture. */
const MAX_TEXELS = 2048;
/**
 * Texels a bake keeps per pixel the panel covers on the render target (from its distance): a far
 * panel is baked smaller (halving steps from its full density), so a bake and its sampling cost what
 * the panel shows, never less than what the eye can see.
 */
const TEXELS_PER_SCREEN_PX = 1.5;
/**
 * A panel that keeps changing (typing, a live list) is drawn live by uikit instead of re-baked every
 * few frames: each change adds 1 to a score that decays by CHANGE_DECAY a frame; above LIVE_ABOVE it
 * goes live, and it is baked again once the score is under BAKED_BELOW (about 60 quiet frames).
 */
const CHANGE_DECAY = 0.97;
const LIVE_ABOVE = 3;
const BAKED_BELOW = 0.5;
/** Smallest density step: 1/16 of the full one. */
const MIN_DENSITY_STEP = 1 / 16;
/** Half the depth of the slab around the panel's plane that the bake's camera sees (m). */
const SLAB_M = 0.25;

/**
 * How a baked quad is drawn, chosen per panel by what its texture holds:
 * - `covering` (a panel with an opaque face: the headset panels, thread boards, workspace panels, the
 *   token HUD): in the opaque pass, before the room's other opaque meshes (COVERING_ORDER), writing
 *   depth, its texture's alpha turned into MSAA sample coverage (alpha to coverage) instead of
 *   blending. Everything the face hides — floor, objects, avatars, tags behind it — fails the early
 *   depth test and is never shaded, and no sample is blended: on SwiftShader the full-UI view shaded
 *   those pixels twice (scene, then the blended quad). Only its rounded, anti-aliased outline has
 *   partial alpha, which becomes partial coverage (the levels of 4x MSAA, as any mesh edge); a texel
 *   with alpha 0 covers nothing, neither colour nor depth. The texture holds premultiplied colour
 *   (uikit blends into a transparent target), so the shader divides it back by alpha.
 * - `blended` (text on a clear background: headings, zone signs, the memory cards' words over their
 *   backs): a transparent quad blended over the room (premultiplied), as its glyphs' soft edges need.
 */
export type BakedQuadDraw = 'covering' | 'blended';
export const COVERING_ORDER = -1;
const UNPREMULTIPLY = `#include <map_fragment>
diffuseColor.rgb /= max(diffuseColor.a, 1.0 / 255.0);`;
/** A covering quad's shader: the texture's premultiplied colour divided back by its alpha. */
function unpremultiply(shader: { fragmentShader: string }): void {
  shader.fragmentShader = shader.fragmentShader.replace('#include <map_fragment>', UNPREMULTIPLY);
}

const _position = new Vector3();
const _quaternion = new Quaternion();
const _scale = new Vector3();
const _clear = new Color();
const _eye = new Vector3();
const quadPlane = new PlaneGeometry(1, 1);

/** True when `o` and every ancestor are visible. */
function shown(o: Object3D): boolean {
  for (let p: Object3D | null = o; p; p = p.parent) if (!p.visible) return false;
  return true;
}

/**
 * A headset or room panel (a uikit root under `group`) drawn from a texture: its surfaces, texts and
 * keyboard faces are rendered into a render target only when something in them changed (an instance
 * buffer, a glyph run, a mesh shown or hidden, a texture redrawn, the panel's size), and the room
 * draws ONE textured quad in their place. On a software rasteriser every uikit panel instance is a draw
 * of its own and its rounded-corner and MSDF shaders run per pixel; the quad is one draw of a plain
 * texture. uikit keeps laying out, hovering and taking pointer rays as before (its components stay
 * on the room's layers; only its drawn meshes move to BAKE_LAYER), so hover tints, typed text and
 * arriving messages show at the next frame, through a new bake. Allocation-free per frame.
 */
export class PanelBake {
  readonly quad: Mesh<PlaneGeometry, MeshBasicMaterial>;
  readonly target: WebGLRenderTarget;
  private readonly camera = new OrthographicCamera(-0.5, 0.5, 0.5, -0.5, -SLAB_M, SLAB_M);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any uikit component is a root
  private root: Component<any> | null = null;
  private hash = 0;
  private bakedHash = Number.NaN;
  private bakedWidth = 0;
  private bakedHeight = 0;
  private lastHash = Number.NaN;
  private changeScore = 0;
  /** Drawn by uikit itself this frame (its content keeps changing), not from the texture. */
  live = false;
  /** How many times the panel was rendered into its texture (tests, diagnostics). */
  bakes = 0;

  constructor(
    readonly group: Object3D,
    private readonly texelsPerPx: number = BAKE_TEXELS_PER_PX.near,
    readonly draw: BakedQuadDraw = 'blended',
  ) {
    // uikit's panel and MSDF shaders smooth their own edges, and it orders its parts itself: no
    // multisampling and no depth buffer (a bake's memory is its colour and mip levels)
    this.target = new WebGLRenderTarget(1, 1, {
      colorSpace: SRGBColorSpace,
      generateMipmaps: true,
      minFilter: LinearMipmapLinearFilter,
      depthBuffer: false,
    });
    const covering = draw === 'covering';
    const quad = new Mesh(
      quadPlane,
      new MeshBasicMaterial({
        map: this.target.texture,
        transparent: !covering,
        premultipliedAlpha: !covering,
        depthWrite: covering,
        alphaToCoverage: covering,
        // uikit's own materials are not tone mapped either
        toneMapped: false,
      }),
    );
    if (covering) {
      quad.material.onBeforeCompile = unpremultiply;
      quad.renderOrder = COVERING_ORDER;
    }
    quad.name = 'panel-bake';
    quad.matrixAutoUpdate = false;
    quad.matrixWorldAutoUpdate = false;
    quad.visible = false;
    quad.raycast = () => {};
    // diagnostics and tests: how often this panel was baked (`bakes`)
    quad.userData.bake = this;
    this.quad = quad;
    // the panel's parts, wherever they are (baked: BAKE_LAYER; live: the room's layer)
    this.camera.layers.enableAll();
    this.camera.matrixAutoUpdate = false;
    this.camera.matrixWorldAutoUpdate = false;
  }

  /** Moves a drawn mesh to the bake's layer and folds what it shows into the content hash. */
  private readonly visit = (o: Object3D) => {
    if (o instanceof Component) {
      if (this.root === null) this.root = o;
      return;
    }
    if (!(o as Mesh).isMesh) return;
    const mesh = o as Mesh;
    const layer = this.live ? 0 : BAKE_LAYER;
    if (mesh.layers.mask !== 1 << layer) mesh.layers.set(layer);
    let h = this.hash;
    h = (h * 31 + (mesh.visible ? 1 : 2)) | 0;
    const geometry = mesh.geometry as Mesh['geometry'] & { instanceCount?: number };
    h = (h * 31 + (geometry.instanceCount ?? 0)) | 0;
    h = (h * 31 + geometry.id) | 0;
    const attributes = geometry.attributes;
    for (const name in attributes) h = (h * 31 + (attributes[name] as { version: number }).version) | 0;
    if (geometry.index) h = (h * 31 + geometry.index.version) | 0;
    const e = mesh.matrix.elements;
    h = (h * 31 + Math.round((e[0]! + e[5]! + e[12]! * 7 + e[13]! * 13) * 1000)) | 0;
    const material = mesh.material as MeshBasicMaterial;
    h = (h * 31 + (material.visible ? 1 : 2) + material.version) | 0;
    if (material.map) h = (h * 31 + material.map.version + material.map.id) | 0;
    this.hash = h;
  };

  /**
   * Per frame: keeps the panel's drawn parts on the bake's layer, re-renders the texture when they
   * changed, and places the quad over the panel (hidden with it).
   */
  update(gl: WebGLRenderer, camera: Camera): void {
    if (this.root !== null && !this.isInside(this.root)) this.root = null;
    this.hash = 17;
    this.group.traverse(this.visit);
    const root = this.root;
    const size = root?.size.value;
    this.changeScore *= CHANGE_DECAY;
    if (this.hash !== this.lastHash) {
      this.lastHash = this.hash;
      this.changeScore += 1;
    }
    const live = this.live ? this.changeScore >= BAKED_BELOW : this.changeScore > LIVE_ABOVE;
    if (live !== this.live) {
      this.live = live;
      this.bakedHash = Number.NaN;
      // the parts move to the layer of their new mode this frame (the content, so the hash, is the same)
      this.hash = 17;
      this.group.traverse(this.visit);
    }
    const visible =
      !this.live && root !== null && size !== undefined && root.isVisible.value && shown(this.group);
    this.quad.visible = visible;
    if (!visible) return;
    root.updateWorldMatrix(true, false);
    // a uikit component's world matrix maps the unit quad onto its box
    this.quad.matrixWorld.copy(root.matrixWorld);
    // the panel's size on the render target, from its distance (its widest side, seen face on)
    const pxPerMetre = pixelsPerMetreAtOneMetre(gl, camera, _eye);
    root.matrixWorld.decompose(_position, _quaternion, _scale);
    const distance = Math.max(_position.distanceTo(_eye), 0.05);
    const screenPx = (Math.max(_scale.x, _scale.y) * pxPerMetre) / distance;
    let density = this.texelsPerPx;
    const full = Math.max(size[0], size[1]);
    while (
      density > this.texelsPerPx * MIN_DENSITY_STEP &&
      full * density * 0.5 >= screenPx * TEXELS_PER_SCREEN_PX
    ) {
      density *= 0.5;
    }
    const width = Math.min(MAX_TEXELS, Math.max(1, Math.ceil(size[0] * density)));
    const height = Math.min(MAX_TEXELS, Math.max(1, Math.ceil(size[1] * density)));
    if (this.hash === this.bakedHash && width === this.bakedWidth && height === this.bakedHeight) return;
    this.bake(gl, root.matrixWorld, width, height);
  }

  private isInside(o: Object3D): boolean {
    for (let p: Object3D | null = o; p; p = p.parent) if (p === this.group) return true;
    return false;
  }

  private bake(gl: WebGLRenderer, box: Matrix4, width: number, height: number) {
    if (width !== this.bakedWidth || height !== this.bakedHeight) this.target.setSize(width, height);
    box.decompose(_position, _quaternion, _scale);
    _scale.z = 1;
    this.camera.matrixWorld.compose(_position, _quaternion, _scale);
    this.camera.matrixWorldInverse.copy(this.camera.matrixWorld).invert();
    const previousTarget = gl.getRenderTarget();
    const xr = gl.xr.enabled;
    const clearAlpha = gl.getClearAlpha();
    gl.getClearColor(_clear);
    gl.xr.enabled = false;
    gl.setRenderTarget(this.target);
    gl.setClearColor(0x000000, 0);
    gl.clear();
    const autoClear = gl.autoClear;
    gl.autoClear = false;
    gl.render(this.group, this.camera);
    gl.autoClear = autoClear;
    gl.setRenderTarget(previousTarget);
    gl.setClearColor(_clear, clearAlpha);
    gl.xr.enabled = xr;
    this.bakedHash = this.hash;
    this.bakedWidth = width;
    this.bakedHeight = height;
    this.bakes++;
  }

  dispose(): void {
    // the panel's parts draw themselves again
    this.group.traverse((o) => {
      if (!(o instanceof Component) && o.layers.mask === 1 << BAKE_LAYER) o.layers.set(0);
    });
    this.quad.removeFromParent();
    this.quad.material.dispose();
    this.target.dispose();
  }
}

/**
 * The group of the baked panel around a component, for parts uikit cannot hold as children (a
 * keyboard's face quad joins it so it is baked with its keys); null outside a baked panel.
 */
export const PanelBakeContext = createContext<RefObject<Object3D | null> | null>(null);

/** The baked panel's group around this component (PanelBakeContext), or null. */
export function usePanelBakeGroup(): RefObject<Object3D | null> | null {
  return useContext(PanelBakeContext);
}

/**
 * Bakes the uikit root under `group` (PanelBake): the quad joins the scene while mounted. Where the
 * renderer cannot render to a texture (no WebGL 2, as in jsdom's test renderer), the panel draws as
 * uikit does.
 */
export function usePanelBake(
  group: RefObject<Object3D | null>,
  texelsPerPx: number = BAKE_TEXELS_PER_PX.near,
  draw: BakedQuadDraw = 'blended',
): PanelBake | null {
  const scene = useThree((s) => s.scene);
  const gl = useThree((s) => s.gl);
  const [bake, setBake] = useState<PanelBake | null>(null);
  useEffect(() => {
    const canBake =
      typeof WebGL2RenderingContext !== 'undefined' && gl.getContext() instanceof WebGL2RenderingContext;
    if (!group.current || !canBake) return;
    const b = new PanelBake(group.current, texelsPerPx, draw);
    scene.add(b.quad);
    setBake(b);
    return () => {
      b.dispose();
      setBake(null);
    };
  }, [group, scene, gl, texelsPerPx, draw]);
  useFrame(({ camera }) => bake?.update(gl, camera));
  return bake;
}
