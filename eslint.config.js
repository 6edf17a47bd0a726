import js from '@eslint/js';
import reactThree from '@react-three/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * The repo's boundaries (issue 18), enforced here rather than written in comments:
 * - shared/ runs in the browser, Node and Deno: no platform imports, nothing from the other folders;
 * - supabase/functions/ runs on Supabase's Edge Runtime (Deno): nothing from server/ (Node only) or
 *   client/, no `node:*` (one exception below);
 * - client/ runs in the browser: nothing from server/ or supabase/.
 * Relative paths are matched by regex at any depth (`../../server/x.ts` as well as `../server/x.ts`).
 * test/lint/boundaries.test.ts proves each rule fires where it should.
 */
const NO_ENUM = { selector: 'TSEnumDeclaration', message: 'Use an `as const` table, not an enum.' };

/** A climb out of the current top-level folder into `folders` (repo-relative, any depth). */
const into = (folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const NODE_BUILTINS = { regex: '^node:' };

/** no-restricted-imports and the same ban on dynamic `import()` (which that rule does not see). */
function restrictImports(message, regexes) {
  return {
    'no-restricted-imports': ['error', { patterns: regexes.map((regex) => ({ regex, message })) }],
    'no-restricted-syntax': [
      'error',
      NO_ENUM,
      ...regexes.map((regex) => ({
        selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`,
        message,
      })),
    ],
  };
}

export default tseslint.config(
  { ignores: ['node_modules/', '.chenu/', 'dist/', 'test-results/', 'shared/database.types.ts'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', NO_ENUM],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: restrictImports('shared/ runs in browser, Node and Deno: no platform imports.', [
      NODE_BUILTINS.regex,
      '^(react|react-dom|three)(/|$)',
      into(['server', 'client', 'supabase']),
    ]),
  },
  {
    files: ['supabase/functions/**/*.ts'],
    rules: restrictImports(
      'supabase/functions/ runs on the Edge Runtime (Deno): no node:* (web APIs), nothing from server/ (Node only) or client/; put code the functions and Node share in supabase/functions/_shared/.',
      [NODE_BUILTINS.regex, into(['server', 'client'])],
    ),
  },
  {
    // The outbound policy pins each connection to the address it checked, under TLS too: only
    // node:http/https/dns can (Deno's own HTTP client cannot), and the Edge Runtime provides them.
    files: ['supabase/functions/_shared/outbound/outboundFetch.ts'],
    rules: restrictImports('supabase/functions/ imports nothing from server/ (Node only) or client/.', [
      into(['server', 'client']),
    ]),
  },
  {
    files: ['client/**/*.ts', 'client/**/*.tsx'],
    rules: restrictImports(
      'client/ runs in the browser: nothing from server/ or supabase/ (contracts live in shared/).',
      [into(['server', 'supabase'])],
    ),
  },
  {
    // Frame-loop allocations (react-three-fiber's own lint): no `new` or `.clone()` inside useFrame.
    files: ['client/**/*.tsx', 'client/**/*.ts'],
    plugins: { '@react-three': reactThree },
    rules: {
      '@react-three/no-new-in-loop': 'error',
      '@react-three/no-clone-in-loop': 'error',
    },
  },
);
