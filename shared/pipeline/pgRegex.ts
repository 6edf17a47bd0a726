/**
 * Encoding rules are stored as Postgres regular expressions (ARE) so SQL and TypeScript can apply
 * the same catalog. This translates the subset the rules use into a JavaScript RegExp with the
 * Unicode flag: word anchors `\m` `\M` `\y` `\Y`, class shorthands `\w` `\W` (letters of any script,
 * like Postgres in a UTF-8 locale), and POSIX classes `[[:alpha:]]` `[[:digit:]]` `[[:space:]]`.
 */

const WORD = '\\p{L}\\p{N}_';
const POSIX: Record<string, string> = {
  alpha: '\\p{L}',
  alnum: '\\p{L}\\p{N}',
  digit: '\\d',
  space: '\\s',
  upper: '\\p{Lu}',
  lower: '\\p{Ll}',
  punct: '\\p{P}',
};

/** Thrown when a stored pattern cannot be translated or compiled. */
export class PgRegexError extends Error {
  override readonly name = 'PgRegexError';
}

/**
 * Compiles a Postgres ARE `pattern` to a case-insensitive, Unicode, global JavaScript RegExp.
 * @throws PgRegexError naming the pattern when it uses a construct outside the supported subset.
 */
export function compilePgRegex(pattern: string): RegExp {
  const cached = CACHE.get(pattern);
  if (cached) return new RegExp(cached);
  const compiled = translate(pattern);
  if (CACHE.size >= 512) CACHE.clear();
  CACHE.set(pattern, compiled);
  return new RegExp(compiled);
}

// catalog patterns are few and reused on every run: translate and compile each once
const CACHE = new Map<string, RegExp>();

function translate(pattern: string): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) throw new PgRegexError(`pattern ends with a lone backslash: ${pattern}`);
      i++;
      if (inClass) {
        out += n === 'w' ? WORD : n === 'd' || n === 's' ? `\\${n}` : `\\${n}`;
        continue;
      }
      switch (n) {
        case 'm':
          out += `(?<![${WORD}])(?=[${WORD}])`;
          break;
        case 'M':
          out += `(?<=[${WORD}])(?![${WORD}])`;
          break;
        case 'y':
          out += `(?:(?<![${WORD}])(?=[${WORD}])|(?<=[${WORD}])(?![${WORD}]))`;
          break;
        case 'Y':
          out += `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
          break;
        case 'w':
          out += `[${WORD}]`;
          break;
        case 'W':
          out += `[^${WORD}]`;
          break;
        default:
          out += `\\${n}`;
      }
      continue;
    }
    if (inClass && c === '[' && pattern[i + 1] === ':') {
      const end = pattern.indexOf(':]', i + 2);
      const name = end > 0 ? pattern.slice(i + 2, end) : '';
      const cls = POSIX[name];
      if (!cls) throw new PgRegexError(`unsupported POSIX class [:${name}:] in ${pattern}`);
      out += cls;
      i = end + 1;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass && !/\[\^?$/.test(out)) inClass = false;
    out += c;
  }
  try {
    return new RegExp(out, 'giu');
  } catch (error) {
    throw new PgRegexError(`pattern does not compile: ${pattern} (${(error as Error).message})`);
  }
}
