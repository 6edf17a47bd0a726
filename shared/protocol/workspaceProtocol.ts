import { z } from 'zod';

/** Largest Yjs update a client may send, in bytes (the transport caps whole frames too). */
export const MAX_DOC_UPDATE_BYTES = 12 * 1024;

/** Message types of a workspace room. */
export const WORKSPACE_CLIENT = {
  /** A Yjs update of the workspace's shared document (panels' texts live in it). */
  docUpdate: 'docUpdate',
} as const;

/** Messages the server sends in a workspace room. */
export const WORKSPACE_SERVER = {
  /** The whole document as one Yjs update: sent to a client when it joins. */
  docSync: 'docSync',
  /** Another client's update, relayed after the server applied it. */
  docUpdate: 'docUpdate',
  /** The document is durable in Postgres up to this revision. */
  saved: 'saved',
} as const;

/** zod schemas of the workspace room's client messages. */
export const workspaceClientSchemas = {
  docUpdate: z.strictObject({
    update: z
      .instanceof(Uint8Array)
      .refine(
        (u) => u.byteLength > 0 && u.byteLength <= MAX_DOC_UPDATE_BYTES,
        'update must be 1..12288 bytes',
      ),
  }),
} as const;

/** Join options of a workspace room. */
export const WorkspaceJoinOptions = z.object({ workspaceId: z.uuid() });
