/**
 * Where the bytes of uploaded files live: the local disk under CHENU_FILES_DIR (the default), or a
 * private Supabase Storage bucket when the project's service key is configured. Each row of
 * public.files names its backend, so a file is always read back from where it was written, even
 * after the configuration changed.
 */
import { config } from './config.ts';
import { ApiError } from './errors.ts';
import {
  downloadRequest,
  removeRequest,
  sendStorage,
  StorageError,
  uploadRequest,
  type StorageTarget,
} from './storage.ts';

/** A storage backend, as `files.storage_backend` names it. */
export type FileBackend = 'local' | 'supabase';

function localPath(storagePath: string): string {
  return `${config().CHENU_FILES_DIR}/${storagePath}`;
}

function target(): StorageTarget {
  const c = config();
  if (!c.SUPABASE_SERVICE_ROLE_KEY) {
    throw new ApiError('unavailable', 'this file is in Supabase Storage, which is not configured here');
  }
  return { url: c.SUPABASE_URL, serviceKey: c.SUPABASE_SERVICE_ROLE_KEY, bucket: c.CHENU_STORAGE_BUCKET };
}

function unavailable(error: unknown): never {
  if (error instanceof StorageError) {
    console.error('[files] Supabase Storage refused a call:', error.message);
    throw new ApiError('bad_gateway', 'the file store refused the request', undefined, { cause: error });
  }
  throw error;
}

/** The backend new uploads go to. */
export function uploadBackend(): FileBackend {
  return config().CHENU_FILES_BACKEND;
}

/** Stores new bytes at `storagePath` of `backend`. */
export async function putFile(
  backend: FileBackend,
  storagePath: string,
  bytes: Uint8Array<ArrayBuffer>,
  mime: string,
): Promise<void> {
  if (backend === 'local') {
    await Deno.mkdir(localPath(storagePath).replace(/\/[^/]+$/, ''), { recursive: true });
    await Deno.writeFile(localPath(storagePath), bytes, { createNew: true });
    return;
  }
  await sendStorage(uploadRequest(target(), storagePath, bytes, mime)).catch(unavailable);
}

/** The bytes at `storagePath` of `backend`, as a stream. */
export async function readFile(
  backend: FileBackend,
  storagePath: string,
): Promise<ReadableStream<Uint8Array>> {
  if (backend === 'local') {
    try {
      return (await Deno.open(localPath(storagePath), { read: true })).readable;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) throw new ApiError('not_found', 'the file’s bytes are gone');
      throw error;
    }
  }
  const response = await sendStorage(downloadRequest(target(), storagePath)).catch(unavailable);
  if (!response.body) throw new ApiError('bad_gateway', 'the file store sent no bytes');
  return response.body;
}

/** Deletes the bytes (best effort: the row is already gone, a leftover object is only garbage). */
export async function removeFile(backend: FileBackend, storagePath: string): Promise<void> {
  try {
    if (backend === 'local') await Deno.remove(localPath(storagePath));
    else await sendStorage(removeRequest(target(), [storagePath]));
  } catch (error) {
    console.error(`[files] could not delete ${backend}:${storagePath}:`, (error as Error).message);
  }
}
