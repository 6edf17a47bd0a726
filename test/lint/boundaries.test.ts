/**
 * The folder boundaries of eslint.config.js fire where they should (issue 18): each case lints a line
 * of source as if it sat at a path of the repo, through the repo's own config, and names the rule that
 * must refuse it — or, for the imports each folder is allowed, that nothing is reported.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const REFUSED: [file: string, code: string, rule: string][] = [
  // the edge functions: Deno on Supabase's Edge Runtime
  ['supabase/functions/agents/app.ts', "import fs from 'node:fs';\nexport { fs };", 'no-restricted-imports'],
  [
    'supabase/functions/_shared/pipeline/x.ts',
    "import http from 'node:http';\nexport { http };",
    'no-restricted-imports',
  ],
  [
    'supabase/functions/_shared/pipeline/x.ts',
    "export const m = () => import('node:crypto');",
    'no-restricted-syntax',
  ],
  [
    'supabase/functions/agents/app.ts',
    "import { parseEnv } from '../../../server/env.ts';\nexport { parseEnv };",
    'no-restricted-imports',
  ],
  [
    'supabase/functions/_shared/pipeline/x.ts',
    "export { parseEnv } from '../../../../server/env.ts';",
    'no-restricted-imports',
  ],
  [
    'supabase/functions/_shared/outbound/outboundFetch.ts',
    "export { parseEnv } from '../../../../server/env.ts';",
    'no-restricted-imports',
  ],
  // the client: the browser
  [
    'client/room/X.tsx',
    "import { parseEnv } from '../../server/env.ts';\nexport { parseEnv };",
    'no-restricted-imports',
  ],
  [
    'client/App.tsx',
    "import type { Tx } from '../supabase/functions/_shared/dataAccess.ts';\nexport type { Tx };",
    'no-restricted-imports',
  ],
  ['client/room/x.ts', "export const m = () => import('../../server/env.ts');", 'no-restricted-syntax'],
  // shared/: browser, Node and Deno, at any depth
  ['shared/api/x.ts', "export { parseEnv } from '../../server/env.ts';", 'no-restricted-imports'],
  ['shared/x.ts', "import fs from 'node:fs';\nexport { fs };", 'no-restricted-imports'],
  ['shared/api/x.ts', "import * as three from 'three';\nexport { three };", 'no-restricted-imports'],
  // react-three-fiber's frame-loop rules
  [
    'client/room/Spin.tsx',
    "import { useFrame } from '@react-three/fiber';\nimport { Vector3 } from 'three';\n" +
      'export function useSpin(): void {\n  useFrame(() => {\n    new Vector3(0, 1, 0);\n  });\n}',
    '@react-three/no-new-in-loop',
  ],
  [
    'client/room/Follow.tsx',
    "import { useFrame } from '@react-three/fiber';\nimport type { Vector3 } from 'three';\n" +
      'export function useFollow(v: Vector3): void {\n  useFrame(({ camera }) => {\n    camera.position.copy(v.clone());\n  });\n}',
    '@react-three/no-clone-in-loop',
  ],
];

const ALLOWED: [file: string, code: string][] = [
  // the one file that needs node:http to pin a checked address under TLS
  ['supabase/functions/_shared/outbound/outboundFetch.ts', "import http from 'node:http';\nexport { http };"],
  ['supabase/functions/agents/app.ts', "import { z } from 'zod';\nexport { z };"],
  [
    'supabase/functions/agents/app.ts',
    "export { encodeIntent } from '../../../shared/pipeline/encodeIntent.ts';",
  ],
  ['supabase/functions/agents/app.ts', "export { runWorkflow } from '../_shared/pipeline/index.ts';"],
  [
    'server/realtime/x.ts',
    "export { createDataAccess } from '../../supabase/functions/_shared/dataAccess.ts';",
  ],
  ['server/realtime/x.ts', "import fs from 'node:fs';\nexport { fs };"],
  ['client/room/x.ts', "export { ROOM_CLOSE } from '../../shared/protocol/spatialProtocol.ts';"],
  ['client/fonts/x.ts', "import path from 'node:path';\nexport { path };"],
];

describe('eslint boundaries', () => {
  it.each(REFUSED)('refuses in %s: %s', async (file, code, rule) => {
    expect(await ruleIds(file, code)).toContain(rule);
  });

  it.each(ALLOWED)('allows in %s: %s', async (file, code) => {
    expect(await ruleIds(file, code)).toEqual([]);
  });
});
