/**
 * Token counting with a real BPE tokenizer (gpt-tokenizer, o200k_base: the encoding of current
 * OpenAI models), so "tokens saved" and built-in agents' usage are counted like a provider would.
 */
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';

/** Number of o200k_base tokens in `text` (0 for the empty string). */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : countO200k(text);
}
