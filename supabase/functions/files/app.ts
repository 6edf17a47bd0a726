/**
 * Files of a dataspace: upload (raw body, its Content-Type as the media type), metadata, download,
 * delete. Size and media types are limited before anything is stored; bytes live on the local disk
 * under CHENU_FILES_DIR (`.chenu/files`), or in a private Supabase Storage bucket when the
 * project's service key is configured (_shared/fileStore.ts), keyed by identity and file id. The
 * row and the bytes are written in one transaction (a failed write leaves no row).
 */
import { z } from 'zod';
import { IdParam } from '../../../shared/api/common.ts';
import * as r from '../../../shared/api/resources.ts';
import { config } from '../_shared/config.ts';
import { crud, mapped } from '../_shared/crud.ts';
import { EdgeFunction, readCapped } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';
import { putFile, readFile, removeFile, uploadBackend, type FileBackend } from '../_shared/fileStore.ts';

/** Media types accepted for upload. */
export const ALLOWED_MEDIA_TYPES = [
  /^image\/(png|jpeg|gif|webp)$/,
  /^application\/(pdf|json|zip|octet-stream)$/,
  /^text\/(plain|markdown|csv)$/,
  /^model\/(gltf-binary|gltf\+json)$/,
  /^audio\/(mpeg|ogg|wav)$/,
  /^video\/(mp4|webm)$/,
];

const fn = new EdgeFunction('files');
crud(fn, {
  path: '',
  table: 'public.files',
  noun: 'file',
  tag: 'files',
  row: r.FileRow,
  verbs: ['list', 'get'],
  filters: { dataspace_id: z.uuid() },
});

fn.route(
  {
    method: 'post',
    path: '/upload',
    summary: 'Upload a file into a dataspace (raw body)',
    tag: 'files',
    query: r.FileUploadQuery,
    rawBody: ['application/octet-stream', 'image/*', 'application/pdf', 'text/plain'],
    maxBodyBytes: () => config().CHENU_FILES_MAX_BYTES,
    response: { status: 201, schema: r.FileRow },
    errors: ['unsupported_media_type'],
  },
  async ({ query, caller, db, c }) => {
    const max = config().CHENU_FILES_MAX_BYTES;
    const mime = (c.req.header('content-type') ?? 'application/octet-stream')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (!ALLOWED_MEDIA_TYPES.some((re) => re.test(mime))) {
      throw new ApiError('unsupported_media_type', `files of type ${mime} are not accepted`);
    }
    const bytes = await readCapped(c.req.raw, max);
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const backend = uploadBackend();
    return mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        // the row's storage columns are server-kept: private.create_file derives the path
        const [created] = await tx<{ r: Record<string, unknown> & { storage_path: string } }[]>`
          select to_jsonb(private.create_file(${crypto.randomUUID()}, ${query.dataspace_id}, ${query.name},
                 ${mime}, ${bytes.length}, ${sha256}, ${backend})) as r`;
        const row = created!.r;
        await putFile(backend, row.storage_path, bytes, mime);
        return row;
      }),
    );
  },
);

fn.route(
  {
    method: 'get',
    path: '/{id}/content',
    summary: 'Download the bytes of a file',
    tag: 'files',
    params: IdParam,
    response: { status: 200, contentType: 'application/octet-stream', description: 'the file' },
  },
  async ({ params, caller, db }) => {
    const [row] = await mapped('read', () =>
      db.withUser(
        caller.claims,
        (tx) => tx<{ name: string; mime_type: string; storage_backend: FileBackend; storage_path: string }[]>`
          select name, mime_type, storage_backend, storage_path from public.files where id = ${params.id}`,
      ),
    );
    if (!row) throw new ApiError('not_found', 'file not found');
    const bytes = await readFile(row.storage_backend, row.storage_path);
    return new Response(bytes, {
      headers: {
        'content-type': row.mime_type,
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(row.name)}`,
      },
    });
  },
);

fn.route(
  {
    method: 'delete',
    path: '/{id}',
    summary: 'Delete a file',
    tag: 'files',
    params: IdParam,
    response: { status: 204 },
  },
  async ({ params, caller, db }) => {
    const [row] = await mapped('delete', () =>
      db.withUser(
        caller.claims,
        (tx) => tx<{ storage_backend: FileBackend; storage_path: string }[]>`
          delete from public.files where id = ${params.id} returning storage_backend, storage_path`,
      ),
    );
    if (!row) throw new ApiError('not_found', 'file not found');
    await removeFile(row.storage_backend, row.storage_path);
    return null;
  },
);

export default fn;
