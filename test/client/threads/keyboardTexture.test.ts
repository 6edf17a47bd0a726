import { describe, expect, it } from 'vitest';
import { KEY_GAP_PX, KEY_PX, keyboardSize } from '../../../client/threads/keyboardTexture.ts';

const key = (width = KEY_PX) => ({ label: 'a', width, active: false });

describe('keyboardSize', () => {
  it('is the widest row by the rows with their gaps, as the keyboard lays its keys out', () => {
    const letters = Array.from({ length: 10 }, () => key());
    const bottom = [key(110), key(260), key(110)];
    expect(keyboardSize([letters, letters, bottom])).toEqual({
      width: 10 * KEY_PX + 9 * KEY_GAP_PX,
      height: 3 * KEY_PX + 2 * KEY_GAP_PX,
    });
    // a bottom row wider than the letters (the caret keys) sets the width
    const wide = [key(110), key(), key(260), key(), key(110)];
    expect(keyboardSize([letters, wide]).width).toBe(110 + KEY_PX + 260 + KEY_PX + 110 + 4 * KEY_GAP_PX);
  });

  it('is empty for no rows', () => {
    expect(keyboardSize([])).toEqual({ width: 0, height: 0 });
  });
});
