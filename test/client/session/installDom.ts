/**
 * A jsdom document on a Node-environment test: the page side (React, React Aria) gets a DOM while
 * the in-process gateway keeps Node's realm (jose rejects byte arrays of jsdom's realm). Import it
 * first. Every DOM class and browser function React Aria touches is copied onto the global object.
 */
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', {
  url: 'http://127.0.0.1/',
  pretendToBeVisual: true,
});
const w = dom.window;
const names = Object.getOwnPropertyNames(w).filter(
  (n) =>
    /^(HTML|SVG|Element|Node|Text|Document|ShadowRoot|DOMRect|DOMParser|CharacterData|Range|Selection|NodeFilter|TreeWalker|MutationObserver)/.test(
      n,
    ) || /Event$/.test(n),
);
// Node's own Event and EventTarget stay: the gateway and supabase-js run on them
for (const name of names) {
  if (!(name in globalThis))
    Object.assign(globalThis, { [name]: (w as unknown as Record<string, unknown>)[name] });
}
Object.assign(globalThis, {
  window: w,
  document: w.document,
  getComputedStyle: w.getComputedStyle.bind(w),
  requestAnimationFrame: (cb: FrameRequestCallback) => setTimeout(() => cb(performance.now()), 0),
  cancelAnimationFrame: (id: number) => clearTimeout(id),
  localStorage: w.localStorage,
  sessionStorage: w.sessionStorage,
  IS_REACT_ACT_ENVIRONMENT: true,
});
if (!('navigator' in globalThis)) Object.assign(globalThis, { navigator: w.navigator });
// React Aria's focus scopes dispatch a CustomEvent on the element they restore focus to, which jsdom
// accepts from its own realm only; nothing on the Node side (gateway, supabase-js) makes CustomEvents
Object.assign(globalThis, { CustomEvent: w.CustomEvent });
// jsdom has no CSS namespace; React Aria's overlays escape a meta name with CSS.escape (CSSOM's rule,
// enough of it for identifiers: anything outside [A-Za-z0-9_-] and a leading digit escaped)
if (!('CSS' in globalThis)) {
  Object.assign(globalThis, {
    CSS: {
      escape: (value: string) =>
        value.replace(/^\d|[^A-Za-z0-9_-]/g, (c) =>
          /\d/.test(c) ? `\\${c.charCodeAt(0).toString(16)} ` : `\\${c}`,
        ),
      supports: () => false,
    },
  });
}

export const domWindow = w;
