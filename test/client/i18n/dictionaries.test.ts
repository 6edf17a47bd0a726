import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../../shared/api/common.ts';
import { REALTIME_ERRORS } from '../../../shared/protocol/spatialProtocol.ts';
import { FEED_REFUSALS } from '../../../client/state/RoomFeed.ts';
import { en } from '../../../client/i18n/en.ts';
import { fr } from '../../../client/i18n/fr.ts';
import { initI18n } from '../../../client/i18n/i18n.ts';
import { errorText, toUiError, UiFailure } from '../../../client/i18n/uiError.ts';

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../client');

/** Every leaf key of a dictionary, plural suffixes folded (`x_one`, `x_other` → `x`). */
function keys(dict: object, prefix = ''): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(dict)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null) for (const sub of keys(v, key)) out.add(sub);
    else out.add(key.replace(/_(zero|one|two|few|many|other)$/, ''));
  }
  return out;
}

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(full)));
    else if (/\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

describe('the French and English dictionaries', () => {
  it('have the same keys', () => {
    expect([...keys(fr)].sort()).toEqual([...keys(en)].sort());
  });

  it('hold every key the client asks for by name', async () => {
    const known = keys(en);
    const asked = new Set<string>();
    for (const file of await sources(clientDir)) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) asked.add(m[1]!);
    }
    expect(asked.size).toBeGreaterThan(200);
    expect([...asked].filter((k) => !known.has(k))).toEqual([]);
  });

  it('word every error code of the API, the rooms and the feed', () => {
    const known = keys(en);
    const codes = [
      ...Object.keys(API_ERRORS),
      ...Object.values(REALTIME_ERRORS).map((c) => `room.${c}`),
      ...FEED_REFUSALS.map((r) => `feed.${r}`),
      'network',
      'unknown',
      'realtime.refused',
      'realtime.unreachable',
    ];
    expect(codes.filter((c) => !known.has(`errors.${c}`))).toEqual([]);
  });
});

describe('errorText', () => {
  it('gives a sentence for a known code, the generic sentence otherwise, never the raw code', async () => {
    const i18n = initI18n({ lng: 'en' });
    await i18n.changeLanguage('en');
    const t = i18n.t.bind(i18n);
    const budget = {
      code: 'budget_exceeded',
      message: 'budget exceeded: thread x',
      details: { scope: { type: 'thread' } },
    };
    expect(errorText(t, i18n, budget)).toBe(
      'The budget of the thread would be exceeded: the action is refused.',
    );
    expect(errorText(t, i18n, { code: 'http_502', message: 'Bad Gateway' })).toBe(
      'Something went wrong. Try again in a moment.',
    );
    expect(errorText(t, i18n, toUiError(new UiFailure('pick_agent')))).toBe('Pick an agent first.');
    expect(
      toUiError({ name: 'AuthApiError', code: 'invalid_credentials', message: 'Invalid login credentials' }),
    ).toEqual({
      code: 'auth.invalid_credentials',
      message: 'Invalid login credentials',
    });
    expect(
      toUiError({ name: 'AuthWeakPasswordError', code: 'weak_password', reasons: ['pwned'], message: 'weak' })
        .code,
    ).toBe('auth.weak_password_common');
    expect(toUiError({ name: 'MatchMakeError', code: 4212, message: 'not open to this identity' }).code).toBe(
      'realtime.refused',
    );
    await i18n.changeLanguage('fr');
    expect(errorText(t, i18n, budget)).toBe('Le budget du fil serait dépassé : l’action est refusée.');
    await i18n.changeLanguage('en');
  });
});
