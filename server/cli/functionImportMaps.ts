/**
 * `npm run functions:import-maps`: writes `supabase/functions/<slug>/deno.json` for every deployed
 * function from its imports and package.json's pins (server/deploy/importMaps.ts). Run it after
 * adding an import to code a function reaches, or after bumping a dependency.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { functionSlugs, FUNCTIONS_DIR } from '../deploy/functionUpload.ts';
import { expectedDenoJson } from '../deploy/importMaps.ts';

async function main(): Promise<void> {
  const root = process.cwd();
  for (const slug of await functionSlugs(root)) {
    const file = path.join(root, FUNCTIONS_DIR, slug, 'deno.json');
    const text = await expectedDenoJson(root, slug);
    const current = await readFile(file, 'utf8').catch(() => '');
    if (current === text) continue;
    await writeFile(file, text);
    console.log(`import map: wrote ${path.relative(root, file)}`);
  }
}

main().catch((error: unknown) => {
  console.error(`functions:import-maps: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
