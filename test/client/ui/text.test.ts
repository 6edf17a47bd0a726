import { describe, expect, it } from 'vitest';
import { tokenUse } from '../../../client/ui/text.ts';

describe('tokenUse', () => {
  it("shows consumption, the thread's own cap when it has one, and what runs hold", () => {
    expect(tokenUse({ tokens_consumed: 42, token_budget: null, tokens_reserved: 0 })).toBe('42 tokens');
    expect(tokenUse({ tokens_consumed: 42, token_budget: 1000, tokens_reserved: 0 })).toBe(
      '42 / 1000 tokens',
    );
    expect(tokenUse({ tokens_consumed: 42, token_budget: 1000, tokens_reserved: 300 })).toBe(
      '42 / 1000 tokens (300 held)',
    );
    expect(tokenUse({ tokens_consumed: 0, token_budget: null, tokens_reserved: 5 })).toBe(
      '0 tokens (5 held)',
    );
  });
});
