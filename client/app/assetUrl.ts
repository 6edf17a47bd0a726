/**
 * The address of a file shipped in assets/ (served at the app's base, `/` by default), absolute:
 * a page at a deep link (`/d/<id>/t/<id>`) must not resolve `fonts/…` under its own path.
 */
export function assetUrl(path: string): string {
  const base = (import.meta as ImportMeta & { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';
  return new URL(`${base.endsWith('/') ? base : `${base}/`}${path}`, document.baseURI).href;
}
