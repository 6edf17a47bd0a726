import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, moveSection, toggleSection } from '../../../client/bureau/bureauSections.ts';

describe('bureauSections', () => {
  it('moves a section and clamps at both ends', () => {
    expect(moveSection(DEFAULT_LAYOUT, 'threads', -1).section_order).toEqual([
      'dashboard',
      'notes',
      'tasks',
      'threads',
      'projects',
      'meetings',
    ]);
    expect(moveSection(DEFAULT_LAYOUT, 'notes', -9).section_order[0]).toBe('notes');
    expect(moveSection(DEFAULT_LAYOUT, 'notes', 9).section_order.at(-1)).toBe('notes');
  });

  it('hides the default section by moving the default, and keeps the last visible one', () => {
    const hidden = toggleSection(DEFAULT_LAYOUT, 'dashboard');
    expect(hidden.visible_sections).not.toContain('dashboard');
    expect(hidden.default_section).toBe('notes');
    expect(toggleSection(hidden, 'dashboard').visible_sections[0]).toBe('dashboard');
    let only = DEFAULT_LAYOUT;
    for (const s of ['notes', 'tasks', 'projects', 'threads', 'meetings'] as const)
      only = toggleSection(only, s);
    expect(only.visible_sections).toEqual(['dashboard']);
    expect(toggleSection(only, 'dashboard')).toBe(only);
  });
});
