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
// Node's own Event, CustomEvent and EventTarget stay: the gateway and supabase-js run on them
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

export const domWindow = w;
