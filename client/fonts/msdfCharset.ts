/** What the 3D panels' MSDF fonts cover: printable ASCII, Latin-1 and French typography. */
const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
const latin1 = Array.from({ length: 0x100 - 0xa0 }, (_, i) => String.fromCharCode(0xa0 + i)).join('');
/**
 * Œ œ Ÿ, quotes, dashes, ellipsis, euro, narrow no-break space (French before ; : ! ?), and the marks
 * the content itself uses: the bullet of agents' lists (supabase/functions/_shared/pipeline/providers),
 * single guillemets,
 * up/down arrows, the minus sign, ™ — all in Inter's latin subset (General Punctuation and the few
 * symbols it carries), so each is a real outline, never a box.
 */
const typography = 'ŒœŸ‘’‚“”„–—…€\u202f•‹›↑↓−™';

export const MSDF_CHARSET = ascii + latin1 + typography;

/** The faces generated into assets/fonts/msdf/ (uikit weight → file name). */
export const MSDF_FACES = [
  { weight: 400, uikitWeight: 'normal', name: 'inter-400' },
  { weight: 600, uikitWeight: 'semi-bold', name: 'inter-600' },
] as const;
