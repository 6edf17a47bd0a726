/**
 * Build-time generator (Node, `npm run assets:fonts`) of the MSDF fonts of the uikit 3D panels:
 * Inter 400/600 from the `@fontsource/inter` package's latin WOFF files, rendered by the msdfgen binary
 * that the `msdf-bmfont-xml` package ships, into assets/fonts/msdf/ (BMFont JSON + PNG atlas, the
 * format uikit loads). The charset is printable ASCII plus Latin-1 (é, à, ç, «», ·…) and the
 * typographic marks French text uses. Nothing is fetched from the network; the output is committed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MSDF_CHARSET, MSDF_FACES } from './msdfCharset.ts';

const require = createRequire(import.meta.url);
type Generate = (
  font: Buffer,
  options: Record<string, unknown>,
  done: (
    error: Error | null,
    textures: { filename: string; texture: Buffer }[],
    font: { filename: string; data: string },
  ) => void,
) => void;
const generateBMFont = require('msdf-bmfont-xml') as Generate;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, 'assets/fonts/msdf');

async function generate(source: string, name: string): Promise<void> {
  // a Buffer, not a path: the package's path loader relies on an opentype.js API that is gone
  const bytes = await readFile(source);
  return new Promise((resolve, reject) => {
    generateBMFont(
      bytes,
      {
        outputType: 'json',
        filename: path.join(outDir, name),
        charset: MSDF_CHARSET,
        fontSize: 48,
        distanceRange: 6,
        fieldType: 'msdf',
        textureSize: [1024, 1024],
        smartSize: true,
        pot: true,
      },
      (error, textures, font) => {
        if (error) return reject(error);
        void (async () => {
          for (const [i, t] of textures.entries())
            await writeFile(path.join(outDir, `${name}${i ? `-${i}` : ''}.png`), t.texture);
          // pages name the atlas relative to the JSON, as uikit resolves them
          const info = JSON.parse(font.data) as { pages: string[]; chars: { char: string; index: number }[] };
          info.pages = info.pages.map((p) => path.basename(p));
          // glyph 0 is .notdef: a character the latin subset lacks would draw as a box, so leave it out
          info.chars = info.chars.filter((c) => c.index !== 0 || c.char === ' ');
          await writeFile(path.join(outDir, `${name}.json`), JSON.stringify(info));
        })().then(resolve, reject);
      },
    );
  });
}

await mkdir(outDir, { recursive: true });
for (const face of MSDF_FACES) {
  const source = require.resolve(`@fontsource/inter/files/inter-latin-${face.weight}-normal.woff`);
  await generate(source, face.name);
  console.log(`assets/fonts/msdf/${face.name}.json + .png`);
}
for (const file of ['inter-400.json', 'inter-600.json']) {
  const { chars } = JSON.parse(await readFile(path.join(outDir, file), 'utf8')) as { chars: unknown[] };
  console.log(`${file}: ${chars.length} glyphs`);
}
