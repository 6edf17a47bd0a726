import { CanvasTexture, DataTexture, SRGBColorSpace, type Texture } from 'three';

/** One tag's cell in the atlas, in pixels. */
export const TAG_WIDTH_PX = 256;
export const TAG_HEIGHT_PX = 64;
const COLUMNS = 8;
/** Font of the UI, shipped in assets/fonts and loaded by `loadUiFont` before the first tag is drawn. */
export const TAG_FONT = '600 30px Inter, sans-serif';

type Canvas2D = HTMLCanvasElement | OffscreenCanvas;

/** A canvas to draw tags on (every WebXR browser has OffscreenCanvas), or null in Node and jsdom. */
export function createTagCanvas(width: number, height: number): Canvas2D | null {
  return typeof OffscreenCanvas === 'undefined' ? null : new OffscreenCanvas(width, height);
}

/**
 * Every avatar's name tag drawn into one texture, so all tags render in a single draw call: slot `i`
 * is a TAG_WIDTH_PX x TAG_HEIGHT_PX cell, and each tag instance samples its cell through `uvFor`.
 */
export class NameTagAtlas {
  readonly texture: Texture;
  readonly capacity: number;
  readonly rows: number;
  private readonly context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;

  constructor(capacity: number, canvas: Canvas2D | null = null) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`NameTagAtlas: capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.rows = Math.ceil(capacity / COLUMNS);
    const width = COLUMNS * TAG_WIDTH_PX;
    const height = this.rows * TAG_HEIGHT_PX;
    if (canvas) {
      canvas.width = width;
      canvas.height = height;
      this.context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
      this.texture = new CanvasTexture(canvas);
    } else {
      this.context = null;
      this.texture = new DataTexture(new Uint8Array(4), 1, 1);
    }
    this.texture.colorSpace = SRGBColorSpace;
    this.texture.flipY = false;
  }

  /** Writes slot's texture offset (x, y) and scale (x, y) into `out` at `offset`. */
  uvFor(slot: number, out: Float32Array, offset: number): void {
    const column = slot % COLUMNS;
    const row = Math.floor(slot / COLUMNS);
    out[offset] = column / COLUMNS;
    out[offset + 1] = row / this.rows;
    out[offset + 2] = 1 / COLUMNS;
    out[offset + 3] = 1 / this.rows;
  }

  /**
   * Draws a tag: an identity colour pill with the name in white, or in ink on a light colour (WCAG
   * contrast either way). A no-op without a 2D canvas.
   */
  draw(slot: number, name: string, color: string): void {
    const ctx = this.context;
    if (!ctx) return;
    const x = (slot % COLUMNS) * TAG_WIDTH_PX;
    const y = Math.floor(slot / COLUMNS) * TAG_HEIGHT_PX;
    ctx.clearRect(x, y, TAG_WIDTH_PX, TAG_HEIGHT_PX);
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.roundRect(x + 4, y + 6, TAG_WIDTH_PX - 8, TAG_HEIGHT_PX - 12, (TAG_HEIGHT_PX - 12) / 2);
    ctx.fill();
    ctx.fillStyle = tagTextColor(color);
    ctx.font = TAG_FONT;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(name, x + TAG_WIDTH_PX / 2, y + TAG_HEIGHT_PX / 2 + 1, TAG_WIDTH_PX - 36);
    this.texture.needsUpdate = true;
  }

  dispose(): void {
    this.texture.dispose();
  }
}

/** White on dark identity colours, ink on light ones: whichever contrasts more (WCAG luminance). */
export function tagTextColor(color: string): '#ffffff' | '#17202e' {
  const hex = /^#?([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return '#ffffff';
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  // contrast with white (L 1) against contrast with the ink (L ≈ 0.014)
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.064 ? '#ffffff' : '#17202e';
}
