/** Threads of a dataspace, with their messages and decisions. */
import { z } from 'zod';
import {
  Decision,
  DecisionCreate,
  DecisionUpdate,
  Message,
  MessageCreate,
  Thread,
  ThreadCreate,
  ThreadUpdate,
} from '../../../shared/api/resources.ts';
import { IdParam } from '../../../shared/api/common.ts';
import { ChenuThreadArtifact } from '../../../shared/chenu/threadArtifact.ts';
import { exportThread, importThread } from '../_shared/chenu/threadArtifact.ts';
import { crud } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('threads');
crud(fn, {
  path: '',
  table: 'public.threads',
  noun: 'thread',
  tag: 'threads',
  row: Thread,
  create: ThreadCreate,
  update: ThreadUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  filters: { dataspace_id: z.uuid(), status: z.enum(['open', 'archived']) },
});
crud(fn, {
  path: '/{thread_id}/messages',
  table: 'public.messages',
  noun: 'message',
  tag: 'threads',
  row: Message,
  create: MessageCreate,
  verbs: ['list', 'get', 'create', 'delete'],
  parent: { param: 'thread_id', column: 'thread_id' },
  // a human posts as the active identity (the database stamps the author; author_kind is server-kept
  // and defaults to 'human'); agents write through the governed pipeline
});
crud(fn, {
  path: '/{thread_id}/decisions',
  table: 'public.decisions',
  noun: 'decision',
  tag: 'threads',
  row: Decision,
  create: DecisionCreate,
  update: DecisionUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  parent: { param: 'thread_id', column: 'thread_id' },
});

const ChenuImport = z
  // nonoptional: z.unknown() alone accepts undefined, so the OpenAPI document called it optional
  .object({ dataspace_id: z.uuid(), document: z.unknown().nonoptional() })
  .meta({ id: 'ChenuImport', description: 'a `.chenu` thread document and the dataspace to import it into' });
const ChenuImported = z
  .object({
    threadId: z.uuid(),
    messages: z.number().int(),
    decisions: z.number().int(),
    executions: z.number().int(),
    skippedExecutions: z.number().int(),
  })
  .meta({ id: 'ChenuImported' });

/** `.chenu` export: the thread as a portable, schema-versioned artifact (_shared/chenu). */
fn.route(
  {
    method: 'get',
    path: '/{id}/export',
    summary: 'Export a thread as a .chenu document',
    tag: 'threads',
    params: IdParam,
    response: { status: 200, schema: ChenuThreadArtifact },
  },
  async ({ params, caller, db }) => db.withUser(caller.claims, (tx) => exportThread(tx, params.id)),
);

/** `.chenu` import: a new thread (new ids, audited) in a dataspace of the active identity. */
fn.route(
  {
    method: 'post',
    path: '/import',
    summary: 'Import a .chenu document as a new thread',
    tag: 'threads',
    body: ChenuImport,
    // a whole thread with its messages, decisions and runs: larger than other bodies, still bounded
    maxBodyBytes: 4 * 1024 * 1024,
    response: { status: 201, schema: ChenuImported },
  },
  async ({ body, caller, db }) =>
    db.withUser(caller.claims, (tx) => importThread(tx, body.dataspace_id, body.document)),
);

export default fn;
