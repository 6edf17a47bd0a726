/**
 * A jsdom document on a Node-environment test: the page side (React) gets a DOM while the in-process
 * gateway keeps Node's realm (jose rejects byte arrays of jsdom's realm). Import it first.
 */
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://127.0.0.1/' });
const w = dom.window;
Object.assign(globalThis, {
  window: w,
  document: w.document,
  HTMLElement: w.HTMLElement,
  HTMLInputElement: w.HTMLInputElement,
  HTMLSelectElement: w.HTMLSelectElement,
  HTMLFormElement: w.HTMLFormElement,
  Node: w.Node,
  IS_REACT_ACT_ENVIRONMENT: true,
});
if (!('navigator' in globalThis)) Object.assign(globalThis, { navigator: w.navigator });

export const domWindow = w;
