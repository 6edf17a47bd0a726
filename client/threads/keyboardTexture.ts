import { CanvasTexture, SRGBColorSpace } from 'three';

/**
 * The virtual keyboard's picture (VirtualKeyboard3D): every key's face — rounded box, border, label —
 * drawn once into ONE canvas texture that the keyboard shows as one uikit Image. The keys themselves
 * stay uikit containers of the same sizes, laid out by the same rows, but draw nothing until hovered:
 * a keyboard costs one quad instead of a panel instance and a glyph run per key (106 keys; on
 * SwiftShader each instance is an internal draw). Vanilla: no React.
 */

/** One key of a row: its label and width (uikit px). */
export interface KeyFace {
  readonly label: string;
  readonly width: number;
  readonly active: boolean;
}

/** The colours a face is drawn with (CSS colours: the theme's roles). */
export interface KeyColors {
  readonly face: string;
  readonly border: string;
  readonly ink: string;
  readonly activeFace: string;
  readonly activeInk: string;
}

/** Key height and the gap between keys and rows (uikit px), as the keyboard lays its keys out. */
export const KEY_PX = 46;
export const KEY_GAP_PX = 6;
const RADIUS_PX = 8;
const FONT_PX = 20;
/** Canvas pixels per uikit pixel: sharp at arm's length in a headset's eye buffer. */
const SCALE = 2;

/** The keyboard's size (uikit px): the widest row, and the rows with the gaps between them. */
export function keyboardSize(rows: readonly (readonly KeyFace[])[]): { width: number; height: number } {
  let width = 0;
  for (const row of rows) {
    const w = row.reduce((sum, k) => sum + k.width, 0) + KEY_GAP_PX * Math.max(0, row.length - 1);
    width = Math.max(width, w);
  }
  return { width, height: rows.length * KEY_PX + Math.max(0, rows.length - 1) * KEY_GAP_PX };
}

/** A canvas the keyboard is drawn on, and its texture; null where there is no 2D canvas (jsdom). */
export function createKeyboardTexture(): CanvasTexture<OffscreenCanvas> | null {
  if (typeof OffscreenCanvas === 'undefined') return null;
  const texture = new CanvasTexture(new OffscreenCanvas(1, 1));
  texture.colorSpace = SRGBColorSpace;
  return texture;
}

/**
 * Draws the rows of keys, each row centred as the keyboard's flex column centres it, and marks the
 * texture for upload. Called when a label, the shift state or the theme changes — never per frame.
 */
export function drawKeyboard(
  texture: CanvasTexture<OffscreenCanvas>,
  rows: readonly (readonly KeyFace[])[],
  colors: KeyColors,
): void {
  const { width, height } = keyboardSize(rows);
  const canvas = texture.image;
  if (canvas.width !== width * SCALE || canvas.height !== height * SCALE) {
    canvas.width = width * SCALE;
    canvas.height = height * SCALE;
    // a new size needs a new GPU texture
    texture.dispose();
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(SCALE, 0, 0, SCALE, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = `${FONT_PX}px Inter, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 1;
  rows.forEach((row, r) => {
    const rowWidth = row.reduce((sum, k) => sum + k.width, 0) + KEY_GAP_PX * Math.max(0, row.length - 1);
    let x = (width - rowWidth) / 2;
    const y = r * (KEY_PX + KEY_GAP_PX);
    for (const key of row) {
      ctx.beginPath();
      ctx.roundRect(x + 0.5, y + 0.5, key.width - 1, KEY_PX - 1, RADIUS_PX);
      ctx.fillStyle = key.active ? colors.activeFace : colors.face;
      ctx.fill();
      ctx.strokeStyle = colors.border;
      ctx.stroke();
      ctx.fillStyle = key.active ? colors.activeInk : colors.ink;
      ctx.fillText(key.label, x + key.width / 2, y + KEY_PX / 2 + 1, key.width - 8);
      x += key.width + KEY_GAP_PX;
    }
  });
  texture.needsUpdate = true;
}
