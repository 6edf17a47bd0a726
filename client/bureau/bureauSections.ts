/** The six bureau sections, in the schema's default order. */
export const BUREAU_SECTIONS = ['dashboard', 'notes', 'tasks', 'projects', 'threads', 'meetings'] as const;
export type BureauSection = (typeof BUREAU_SECTIONS)[number];

export interface BureauLayout {
  readonly section_order: readonly BureauSection[];
  readonly visible_sections: readonly BureauSection[];
  readonly default_section: BureauSection;
}

export const DEFAULT_LAYOUT: BureauLayout = {
  section_order: BUREAU_SECTIONS,
  visible_sections: BUREAU_SECTIONS,
  default_section: 'dashboard',
};

/** Moves `section` by `delta` places in the order, clamped to the ends. */
export function moveSection(layout: BureauLayout, section: BureauSection, delta: number): BureauLayout {
  const order = [...layout.section_order];
  const from = order.indexOf(section);
  if (from < 0) return layout;
  const to = Math.max(0, Math.min(order.length - 1, from + delta));
  order.splice(from, 1);
  order.splice(to, 0, section);
  return { ...layout, section_order: order };
}

/**
 * Shows or hides `section`. The last visible section stays (the schema needs a default among the
 * visible ones); hiding the default moves the default to the first visible section in order.
 */
export function toggleSection(layout: BureauLayout, section: BureauSection): BureauLayout {
  const visible = new Set(layout.visible_sections);
  if (visible.has(section)) {
    if (visible.size === 1) return layout;
    visible.delete(section);
  } else visible.add(section);
  const visible_sections = layout.section_order.filter((s) => visible.has(s));
  const default_section = visible.has(layout.default_section) ? layout.default_section : visible_sections[0]!;
  return { ...layout, visible_sections, default_section };
}
