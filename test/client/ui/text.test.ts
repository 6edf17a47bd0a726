import { describe, expect, it } from 'vitest';
import { tokenUseText } from '../../../client/bureau/bureauText.ts';
import { formattersFor } from '../../../client/i18n/format.ts';
import { initI18n } from '../../../client/i18n/i18n.ts';
import { excerpt } from '../../../client/ui/text.ts';

const i18n = initI18n({ lng: 'en' });

describe('tokenUseText', () => {
  it("words consumption, the thread's own cap when it has one, and what runs hold, per language", async () => {
    await i18n.changeLanguage('en');
    const en = formattersFor('en');
    const t = i18n.t.bind(i18n);
    expect(tokenUseText({ used: 42, budget: null, held: 0 }, t, en)).toBe('42 tokens used');
    expect(tokenUseText({ used: 1, budget: null, held: 0 }, t, en)).toBe('1 token used');
    expect(tokenUseText({ used: 42, budget: 1000, held: 0 }, t, en)).toBe('42 / 1,000 tokens');
    expect(tokenUseText({ used: 42, budget: 1000, held: 300 }, t, en)).toBe('42 / 1,000 tokens (300 held)');
    await i18n.changeLanguage('fr');
    const fr = formattersFor('fr');
    expect(tokenUseText({ used: 1250, budget: 5000, held: 0 }, i18n.t.bind(i18n), fr)).toBe(
      '1\u00a0250 sur 5\u00a0000 jetons',
    );
    await i18n.changeLanguage('en');
  });
});

describe('excerpt', () => {
  it('keeps short text, flattens whitespace and cuts long text on a word boundary', () => {
    expect(excerpt('  un   deux\ntrois ', 40)).toBe('un deux trois');
    expect(excerpt('Le devis de l’ébéniste est de 14 500 $, installation comprise.', 30)).toBe(
      'Le devis de l’ébéniste est…',
    );
  });
});
