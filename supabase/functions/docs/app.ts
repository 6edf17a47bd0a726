/** The API's OpenAPI 3.1 document and its human-readable page. */
import { z } from 'zod';
import { config } from '../_shared/config.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { docsPage, openApiDocument } from '../_shared/openapi.ts';
import { API_FUNCTIONS } from '../_shared/apiFunctions.ts';

const fn = new EdgeFunction('docs');
let cached: ReturnType<typeof openApiDocument> | undefined;
const document = () => (cached ??= openApiDocument([...API_FUNCTIONS, fn], config().SUPABASE_URL));

fn.route(
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'The OpenAPI 3.1 document',
    tag: 'docs',
    access: 'public',
    response: { status: 200, schema: z.record(z.string(), z.unknown()), description: 'OpenAPI 3.1 document' },
  },
  async () => document(),
);

fn.route(
  {
    method: 'get',
    path: '',
    summary: 'Human-readable API reference',
    tag: 'docs',
    access: 'public',
    response: { status: 200, contentType: 'text/html', description: 'HTML page' },
  },
  async ({ c }) => c.html(docsPage(document())),
);

export default fn;
