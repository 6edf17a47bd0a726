import type { Thread } from '../api/chenuApi.ts';

/** A text on one line, cut to `max` characters on a word boundary when it can, with an ellipsis. */
export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * A thread's token use: consumed, over its own cap when it has one (the ledger refuses runs beyond
 * it), and what running agents hold for it.
 */
export function tokenUse(t: Pick<Thread, 'tokens_consumed' | 'token_budget' | 'tokens_reserved'>): string {
  const used = t.token_budget === null ? `${t.tokens_consumed}` : `${t.tokens_consumed} / ${t.token_budget}`;
  return t.tokens_reserved > 0 ? `${used} tokens (${t.tokens_reserved} held)` : `${used} tokens`;
}
