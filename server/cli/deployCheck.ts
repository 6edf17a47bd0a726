/**
 * `npm run check:deploy`: the offline deploy check of every edge function (server/deploy/deployCheck.ts),
 * one line per function, exit 1 when one fails. `npm run functions:cache` (`--populate`) fills the
 * Deno cache it reads, from the npm registry: run it once, and again after a dependency changes.
 *
 * Usage: `tsx server/cli/deployCheck.ts [--populate] [slug ...]`; the cache is `.chenu/deno-deploy`
 * (CHENU_DATA_DIR), shared by both.
 */
import path from 'node:path';
import { parseEnv } from '../env.ts';
import { deployCheck, populateDenoCache } from '../deploy/deployCheck.ts';
import { denoBinary } from '../gateway/denoFunctions.ts';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const populate = args.includes('--populate');
  const slugs = args.filter((a) => !a.startsWith('--'));
  const options = {
    root: process.cwd(),
    denoDir: path.resolve(parseEnv().CHENU_DATA_DIR, 'deno-deploy'),
    deno: denoBinary(),
    ...(slugs.length > 0 ? { slugs } : {}),
  };
  if (populate) {
    const started = performance.now();
    await populateDenoCache(options);
    console.log(
      `functions:cache: npm packages of every function's import map are in ${path.relative(process.cwd(), options.denoDir)} ` +
        `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
    return;
  }
  const results = await deployCheck(options);
  for (const r of results) {
    console.log(
      `${r.ok ? 'ok  ' : 'FAIL'} ${r.slug} (${r.files} files staged, ${(r.ms / 1000).toFixed(1)} s)`,
    );
    if (!r.ok) console.log(r.output.replace(/^/gm, '     '));
  }
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    console.log(
      `check:deploy: ${failed.length} of ${results.length} functions would not deploy as staged. A bare ` +
        'import needs `npm run functions:import-maps`; "Failed loading" means the Deno cache lacks a ' +
        'package: `npm run functions:cache`.',
    );
    process.exit(1);
  }
  console.log(`check:deploy: all ${results.length} functions resolve offline as the edge runtime would`);
}

main().catch((error: unknown) => {
  console.error(`check:deploy: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
