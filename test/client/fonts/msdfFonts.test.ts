import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MSDF_CHARSET, MSDF_FACES } from '../../../client/fonts/msdfCharset.ts';

const dir = new URL('../../../assets/fonts/msdf/', import.meta.url);

interface BMFont {
  pages: string[];
  chars: { char: string; index: number; width: number; height: number; x: number; y: number; page: number }[];
  common: { scaleW: number; scaleH: number; lineHeight: number };
  distanceField: { fieldType: string; distanceRange: number };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('3D panel MSDF fonts (assets/fonts/msdf)', () => {
  it.each(MSDF_FACES)('ships Inter $weight with the French letters and its atlas', async (face) => {
    const font = JSON.parse(await readFile(new URL(`${face.name}.json`, dir), 'utf8')) as BMFont;
    expect(font.distanceField.fieldType).toBe('msdf');
    expect(font.pages).toEqual([`${face.name}.png`]);
    const glyphs = new Map(font.chars.map((c) => [c.char, c]));
    for (const ch of 'éèêëàâçîïôùûüÿœÉÈÀÇŒ«»’€·•−') {
      const g = glyphs.get(ch);
      expect(g, ch).toBeDefined();
      // a real outline, not .notdef, inside the atlas
      expect(g!.index, ch).toBeGreaterThan(0);
      expect(g!.width * g!.height, ch).toBeGreaterThan(0);
      expect(g!.x + g!.width, ch).toBeLessThanOrEqual(font.common.scaleW);
      expect(g!.y + g!.height, ch).toBeLessThanOrEqual(font.common.scaleH);
    }
    for (const ch of 'AZaz09 ') expect(glyphs.has(ch), ch).toBe(true);
    // every glyph of the charset the latin subset has is there; nothing outside it
    expect(font.chars.every((c) => MSDF_CHARSET.includes(c.char))).toBe(true);
    expect(font.chars.length).toBeGreaterThan(190);
    const png = await readFile(new URL(font.pages[0]!, dir));
    expect(pngSize(png)).toEqual([font.common.scaleW, font.common.scaleH]);
  });
});

describe('the glyphs the content uses', () => {
  it('are all in the charset: the dictionaries, the seed, and the bullets of agents’ answers', async () => {
    const root = new URL('../../../', import.meta.url);
    const files = [
      'client/i18n/fr.ts',
      'client/i18n/en.ts',
      'shared/pipeline/intentExamples.ts',
      'supabase/seed.sql',
      'supabase/seed.d/20_domain.sql',
      'supabase/seed.d/30_governance.sql',
    ];
    const missing = new Set<string>();
    for (const file of files) {
      for (const ch of await readFile(new URL(file, root), 'utf8')) {
        if (ch !== '\n' && ch !== '\t' && ch !== '\r' && !MSDF_CHARSET.includes(ch))
          missing.add(`${ch} (${file})`);
      }
    }
    expect([...missing]).toEqual([]);
    // the built-in agents write their lists with "•"
    const agents = await readFile(
      new URL('supabase/functions/_shared/pipeline/providers/builtinAgents.ts', root),
      'utf8',
    );
    expect(agents).toContain('• ');
    expect(MSDF_CHARSET).toContain('•');
  });
});
