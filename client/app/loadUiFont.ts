import { assetUrl } from './assetUrl.ts';
/** The UI font (Inter, OFL) shipped in assets/fonts; never fetched from a CDN. */
const FACES = [
  { weight: '400', file: 'fonts/inter-latin-400-normal.woff2' },
  { weight: '600', file: 'fonts/inter-latin-600-normal.woff2' },
] as const;

/** Loads the UI font before the first name tag is drawn into the atlas. */
export async function loadUiFont(): Promise<void> {
  await Promise.all(
    FACES.map(async ({ weight, file }) => {
      const face = new FontFace('Inter', `url(${assetUrl(file)})`, { weight });
      document.fonts.add(await face.load());
    }),
  );
}
